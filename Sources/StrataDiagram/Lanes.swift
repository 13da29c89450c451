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

/// Lanes of the layout: every stretch of every edge gets a lane of its band (horizontal) or of
/// its gap (vertical), so that no two edges share a stretch.
extension LayoutWork {
    mutating func assignLanes() {
        let K = 1 << 20
        // Positions along a band: ports at their slot's centre (odd), gaps between slots (even).
        func portKey(_ node: Int, _ p: Int, _ side: Side) -> Int { (2 * cells[node].slot + 1) * K + 2 * p + (side == .top ? 1 : 0) }
        func gapKey(_ g: Int) -> Int { 2 * g * K }
        var hIntervals: [Band: [(lo: Int, hi: Int, order: Int)]] = [:]
        var hRefs: [Band: [(Int, Int)]] = [:]
        var vIntervals: [Int: [(lo: Int, hi: Int, order: Int)]] = [:]
        var vRefs: [Int: [(Int, Int)]] = [:]
        hLane = plans.map { Array(repeating: 0, count: $0.bands.count) }
        vLane = plans.map { Array(repeating: 0, count: $0.gaps.count) }
        for (i, p) in plans.enumerated() where !p.straight {
            let e = ends[i]
            for (t, band) in p.bands.enumerated() {
                let entry = t == 0 ? portKey(e.source, sourcePort[i], p.sourceSide) : gapKey(p.gaps[t - 1])
                let exit = t == p.bands.count - 1 ? portKey(e.target, targetPort[i], p.targetSide) : gapKey(p.gaps[t])
                hIntervals[band, default: []].append((min(entry, exit), max(entry, exit), i * 4 + t))
                hRefs[band, default: []].append((i, t))
            }
            for (t, gap) in p.gaps.enumerated() {
                let a = p.bands[t].yKey, b = p.bands[t + 1].yKey
                vIntervals[gap, default: []].append((min(a, b), max(a, b), i * 4 + t))
                vRefs[gap, default: []].append((i, t))
            }
        }
        for (band, intervals) in hIntervals {
            let (lanes, count) = LaneAssigner.assign(intervals)
            for (k, ref) in hRefs[band]!.enumerated() { hLane[ref.0][ref.1] = lanes[k] }
            bandLanes[band] = count
        }
        for (gap, intervals) in vIntervals {
            let (lanes, count) = LaneAssigner.assign(intervals)
            for (k, ref) in vRefs[gap]!.enumerated() { vLane[ref.0][ref.1] = lanes[k] }
            gapLanes[gap] = count
        }
    }
}
