/// Ports: where on its node's top or bottom side each edge leaves or enters, and how wide each
/// node must be to hold its text, badges, ports and cost tags.
extension LayoutWork {
    /// An edge end waiting for a port on one side of a node.
    struct PortRequest {
        let edge: Int
        let isSource: Bool
        /// Where the edge heads: twice the slot it runs to, odd for a slot's centre, even for a gap.
        let heading: Int
        /// The line of the other end.
        let other: Int
    }

    /// Key of one side of a node: `node * 2`, plus 1 for the top.
    private static func sideKey(_ node: Int, _ side: Side) -> Int { node * 2 + (side == .top ? 1 : 0) }

    mutating func assignPorts() {
        sourcePort = Array(repeating: 0, count: scene.edges.count)
        targetPort = Array(repeating: 0, count: scene.edges.count)
        tagWidth = scene.edges.map { e in e.tag.map { TextMeasure.width($0, size: Metrics.tagSize) + 8 } ?? 0 }
        let requests = collectPortRequests()
        func roundUp8(_ v: Double) -> Double { (v / 8).rounded(.up) * 8 }
        spacing = maxTag.map { (bottom: $0.bottom > 0 ? max(8, roundUp8($0.bottom + 6)) : Metrics.portSpacing,
                                top: $0.top > 0 ? max(8, roundUp8($0.top + 6)) : Metrics.portSpacing) }
        let ordered = orderPorts(requests)
        makeRoomForStraightEdges(ordered)
        measureNodes(ordered)
    }

    /// Every edge end that needs a port, per node side, and the widest cost tag on each side.
    private mutating func collectPortRequests() -> [Int: [PortRequest]] {
        var requests: [Int: [PortRequest]] = [:]
        maxTag = Array(repeating: (bottom: 0.0, top: 0.0), count: scene.nodes.count)
        for (i, e) in ends.enumerated() {
            let p = plans[i]
            let s = cells[e.source], t = cells[e.target]
            let outHeading = p.bands.count == 1 ? 2 * t.slot + 1 : 2 * p.gaps[0]
            let inHeading = p.bands.count == 1 ? 2 * s.slot + 1 : 2 * p.gaps[p.gaps.count - 1]
            requests[LayoutWork.sideKey(e.source, p.sourceSide), default: []].append(PortRequest(edge: i, isSource: true, heading: outHeading, other: t.line))
            // A straight edge enters its target right under (over) its source port, off the target's own port grid.
            if !p.straight {
                requests[LayoutWork.sideKey(e.target, p.targetSide), default: []].append(PortRequest(edge: i, isSource: false, heading: inHeading, other: s.line))
            }
            if p.sourceSide == .top { maxTag[e.source].top = max(maxTag[e.source].top, tagWidth[i]) } else { maxTag[e.source].bottom = max(maxTag[e.source].bottom, tagWidth[i]) }
        }
        return requests
    }

    /// Orders each side's ports by where their edges head (then farther ones outside), centred on the node.
    private mutating func orderPorts(_ requests: [Int: [PortRequest]]) -> [Int: [PortRequest]] {
        var ordered: [Int: [PortRequest]] = [:]
        for key in requests.keys.sorted() {
            let node = key / 2
            let list = requests[key]!.sorted { a, b in
                if a.heading != b.heading { return a.heading < b.heading }
                // Same direction: the farther one on the outside.
                if a.other != b.other { return a.heading <= 2 * cells[node].slot + 1 ? a.other > b.other : a.other < b.other }
                return (a.edge, a.isSource ? 0 : 1) < (b.edge, b.isSource ? 0 : 1)
            }
            ordered[key] = list
            let first = -((list.count - 1) / 2)
            for (k, item) in list.enumerated() { setPort(item, first + k) }
        }
        return ordered
    }

    private mutating func setPort(_ item: PortRequest, _ port: Int) {
        if item.isSource { sourcePort[item.edge] = port } else { targetPort[item.edge] = port }
    }

    /// The x offset from its node's centre where a straight edge leaves its source (and so enters its target).
    private func straightEdgeX(_ i: Int) -> Double {
        let p = plans[i], source = ends[i].source
        return Double(sourcePort[i]) * (p.sourceSide == .top ? spacing[source].top : spacing[source].bottom) + (p.sourceSide == .top ? 4 : 0)
    }

    /// A straight edge enters its target at its source's x, off the target's grid: the target's other
    /// ports on that side keep 8px clear of it (and straight sources keep their place, so nothing cascades).
    private mutating func makeRoomForStraightEdges(_ ordered: [Int: [PortRequest]]) {
        var reserved: [Int: [Double]] = [:]  // target side key → x offsets from the centre
        for (i, p) in plans.enumerated() where p.straight {
            reserved[LayoutWork.sideKey(ends[i].target, p.targetSide), default: []].append(straightEdgeX(i))
        }
        for (key, xs) in reserved.sorted(by: { $0.key < $1.key }) {
            guard let list = ordered[key] else { continue }
            let node = key / 2, top = key % 2 == 1
            let grid = PortGrid(step: top ? spacing[node].top : spacing[node].bottom, offset: top ? 4.0 : 0)
            var fixed = Set<Int>()
            for item in list where item.isSource && plans[item.edge].straight { fixed.insert(sourcePort[item.edge]) }
            let free = list.filter { !($0.isSource && plans[$0.edge].straight) }
            // Ports heading left go left of the straight edges, the others right of them, in their order.
            let own = 2 * cells[node].slot + 1
            let left = free.filter { $0.heading < own }, right = free.filter { $0.heading >= own }
            let leftPorts = grid.free(left.count, below: xs.min()!, avoiding: xs, taken: fixed)
            let rightPorts = grid.free(right.count, above: xs.max()!, avoiding: xs, taken: fixed)
            for (item, q) in zip(left + right, leftPorts.sorted() + rightPorts) { setPort(item, q) }
        }
    }

    /// The widths of the nodes: text, badges, ports and tags.
    private mutating func measureNodes(_ ordered: [Int: [PortRequest]]) {
        let n = scene.nodes.count
        // The widest reach of each side's ports from the centre, in spacings.
        var reach = Array(repeating: (bottom: 0, top: 0), count: n)
        for (key, list) in ordered {
            let node = key / 2
            let far = list.map { abs($0.isSource ? sourcePort[$0.edge] : targetPort[$0.edge]) }.max() ?? 0
            if key % 2 == 1 { reach[node].top = max(reach[node].top, far) } else { reach[node].bottom = max(reach[node].bottom, far) }
        }
        // A straight edge's target must be wide enough to take it where its source port is.
        var straightReach = Array(repeating: 0.0, count: n)
        for (i, p) in plans.enumerated() where p.straight {
            let e = ends[i]
            let x = abs(Double(sourcePort[i]) * (p.sourceSide == .top ? spacing[e.source].top : spacing[e.source].bottom)) + 4
            straightReach[e.target] = max(straightReach[e.target], x)
        }
        nodeWidth = scene.nodes.enumerated().map { (i, node) in
            let badges = node.badges.isEmpty || !showFindings ? 0 : Double(node.badges.count) * (Metrics.badgeSize + Metrics.badgeGap) + 4
            let name = TextMeasure.width(node.name, size: Metrics.nameSize, bold: true) + badges
            let detail = node.details.map { TextMeasure.width($0, size: Metrics.detailSize) }.max() ?? 0
            let inset = LayoutWork.inset(node.kind)
            var w = max(name, detail) + 2 * inset
            // Ports reach `reach` spacings either side of the centre (plus the top grid's half step), tags centred on them.
            w = max(w, 2 * (Double(reach[i].bottom) * spacing[i].bottom + maxTag[i].bottom / 2 + inset) + 4)
            w = max(w, 2 * (Double(reach[i].top) * spacing[i].top + 4 + maxTag[i].top / 2 + inset) + 4)
            w = max(w, 2 * (straightReach[i] + inset))
            return max(w, Metrics.minNodeWidth)
        }
    }
}

/// The port positions on one side of a node: port `q` sits `q × step + offset` from the centre.
struct PortGrid {
    let step: Double
    let offset: Double

    func x(_ q: Int) -> Double { Double(q) * step + offset }

    /// True when port `q` is not taken and stays 8px clear of every x in `xs`.
    private func allowed(_ q: Int, avoiding xs: [Double], taken: Set<Int>) -> Bool {
        !taken.contains(q) && !xs.contains { abs(x(q) - $0) < 8 }
    }

    /// The `count` nearest allowed ports left of `limit`, nearest first.
    func free(_ count: Int, below limit: Double, avoiding xs: [Double], taken: Set<Int>) -> [Int] {
        var result: [Int] = []
        var q = Int(((limit - offset) / step).rounded(.down))
        while result.count < count {
            if x(q) < limit && allowed(q, avoiding: xs, taken: taken) { result.append(q) }
            q -= 1
        }
        return result
    }

    /// The `count` nearest allowed ports right of `limit`, nearest first.
    func free(_ count: Int, above limit: Double, avoiding xs: [Double], taken: Set<Int>) -> [Int] {
        var result: [Int] = []
        var q = Int(((limit - offset) / step).rounded(.up))
        while result.count < count {
            if x(q) > limit && allowed(q, avoiding: xs, taken: taken) { result.append(q) }
            q += 1
        }
        return result
    }
}
