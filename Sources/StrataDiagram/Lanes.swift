/// A binary min-heap of integers ordered by a key.
struct MinHeap<Key: Comparable> {
    private var items: [(key: Key, value: Int)] = []

    var isEmpty: Bool { items.isEmpty }
    var top: (key: Key, value: Int)? { items.first }

    mutating func push(_ key: Key, _ value: Int) {
        items.append((key, value))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(i, parent) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    @discardableResult
    mutating func pop() -> (key: Key, value: Int)? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let result = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, less(l, m) { m = l }
            if r < items.count, less(r, m) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return result
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        items[a].key < items[b].key || (items[a].key == items[b].key && items[a].value < items[b].value)
    }
}

/// Assigns lanes (parallel tracks) in one channel so that no two intervals on
/// a lane overlap or touch: interval-graph colouring, greedy by start, which
/// uses as many lanes as the deepest overlap. O(n log n).
enum LaneAssigner {
    /// `intervals[i]` = (lo, hi, tie-break); returns the lane of each and the lane count.
    static func assign(_ intervals: [(lo: Int, hi: Int, order: Int)]) -> (lanes: [Int], count: Int) {
        let sorted = intervals.indices.sorted {
            let a = intervals[$0], b = intervals[$1]
            return (a.lo, a.hi, a.order) < (b.lo, b.hi, b.order)
        }
        var lanes = Array(repeating: 0, count: intervals.count)
        var active = MinHeap<Int>()  // (end, lane)
        var free = MinHeap<Int>()  // (lane, lane)
        var count = 0
        for i in sorted {
            let iv = intervals[i]
            // A lane is free again only when its last interval ended strictly before this one starts.
            while let t = active.top, t.key < iv.lo {
                active.pop()
                free.push(t.value, t.value)
            }
            let lane: Int
            if let f = free.pop() {
                lane = f.value
            } else {
                lane = count
                count += 1
            }
            lanes[i] = lane
            active.push(iv.hi, lane)
        }
        return (lanes, count)
    }
}
