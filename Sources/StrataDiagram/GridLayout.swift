import Foundation
import StrataDiagnostics

/// Sizes shared by every view, in px.
enum Metrics {
    static let margin = 24.0
    /// Inset of a container around what it encloses, per nesting level.
    static let pad = 10.0
    /// Height of a container's label tab.
    static let headerHeight = 20.0
    /// Between a label tab and the first box or nested container below it.
    static let headerGap = 6.0
    /// Distance between parallel edge lanes.
    static let laneGap = 7.0
    /// Distance from a node or border to the nearest lane.
    static let laneMargin = 9.0
    static let minGutter = 22.0
    static let minGap = 22.0
    /// Distance between the ports on one side of a node (a multiple of 8: top ports sit half-way between).
    static let portSpacing = 8.0
    static let nodeInset = 10.0
    static let minNodeWidth = 84.0
    static let nameSize = 12.0
    static let detailSize = 11.0
    static let lineStep = 14.0
    static let labelSize = 12.0
    static let badgeSize = 16.0
    static let badgeGap = 3.0
    static let tagSize = 10.0
    static let tagHeight = 14.0
    static let titleSize = 18.0
    static let subtitleSize = 12.0
    static let legendSize = 11.0
}

/// Places a scene on its grid and routes its edges.
///
/// The grid has slot columns and lines; every node sits in one cell, every
/// container covers a rectangle of cells. Between lines run gutters and
/// between slots run gaps. A gutter holds, top to bottom: the bottoms of
/// containers closing above it, lane band A (edges leaving the line above),
/// the replication band R (under a store row), the label tabs of containers
/// opening below it, lane band B (edges entering the line below). A gap holds
/// the right borders closing, vertical lanes, the left borders opening.
///
/// An edge leaves its source at its own port, runs in a lane of the nearest
/// band, turns into a lane of a gap, runs to the band next to its target and
/// enters it at its own port: at most five orthogonal segments. Lanes are
/// assigned per band and per gap by interval colouring, so no two edges share
/// a stretch; label tabs never extend past their first slot, so vertical lanes
/// (in gaps) never cross them and drops across a gutter are only made where
/// no tab opens above the target. Everything is O(E log E).
struct GridLayout {
    let scene: Scene
    let showFindings: Bool

    enum Side { case top, bottom }

    /// A lane band: gutter index and kind (0 = A, 1 = R, 2 = B).
    struct Band: Hashable {
        let gutter: Int
        let kind: Int
        var yKey: Int { gutter * 3 + kind }
    }

    /// How one edge runs, in grid terms.
    struct Plan {
        var sourceSide: Side
        var targetSide: Side
        var bands: [Band]
        /// The gap used between consecutive bands.
        var gaps: [Int]
        /// Straight down (or up) into the next line of the same slot: one segment, the target's port under the source's.
        var straight = false
    }

    func layout() -> Diagram {
        var work = LayoutWork(scene: scene, showFindings: showFindings)
        return work.run()
    }
}

/// The state of one layout run.
private struct LayoutWork {
    let scene: Scene
    let showFindings: Bool
    typealias Side = GridLayout.Side
    typealias Band = GridLayout.Band

    var plans: [GridLayout.Plan] = []
    /// Port offset index (multiples of the node's spacing from its centre) of each edge's source and target.
    var sourcePort: [Int] = []
    var targetPort: [Int] = []
    /// Port spacing of each node, bottom and top side.
    var spacing: [(bottom: Double, top: Double)] = []
    var tagWidth: [Double] = []
    var nodeWidth: [Double] = []
    var hLane: [[Int]] = []
    var vLane: [[Int]] = []
    var bandLanes: [Band: Int] = [:]
    var gapLanes: [Int: Int] = [:]
    var children: [[Int]] = []
    var depth: [Int] = []

    /// Grid cell of every node (copied out of the scene once: reading a node copies its strings).
    let cells: [(slot: Int, line: Int)]
    /// Source, target and style of every edge (likewise copied out once).
    let ends: [(source: Int, target: Int, style: EdgeStyle)]

    init(scene: Scene, showFindings: Bool) {
        self.scene = scene
        self.showFindings = showFindings
        cells = scene.nodes.map { ($0.slot, $0.line) }
        ends = scene.edges.map { ($0.source, $0.target, $0.style) }
    }

    // MARK: Planning

    /// First slots of the containers opening at each gutter (their label tabs sit above these slots).
    lazy var tabSlots: [Int: Set<Int>] = {
        var result: [Int: Set<Int>] = [:]
        for c in scene.containers { result[c.lines.lowerBound, default: []].insert(c.slots.lowerBound) }
        return result
    }()

    mutating func plan() {
        let sorted = scene.replicationGutters.sorted()
        for e in ends {
            let s = cells[e.source], t = cells[e.target]
            var p: GridLayout.Plan
            if e.style == .replication, let rg = sorted.first(where: { $0 > max(s.line, t.line) }) {
                let r = Band(gutter: rg, kind: 1)
                let b0 = s.line + 1 == rg ? r : Band(gutter: s.line + 1, kind: 0)
                let bn = t.line + 1 == rg ? r : Band(gutter: t.line + 1, kind: 0)
                var bands = [b0]
                if bands.last != r { bands.append(r) }
                if bands.last != bn { bands.append(bn) }
                p = GridLayout.Plan(sourceSide: .bottom, targetSide: .bottom, bands: bands, gaps: [])
                if bands.count == 3 {
                    p.gaps = s.slot < t.slot ? [s.slot + 1, t.slot] : s.slot > t.slot ? [s.slot, t.slot + 1] : [s.slot + 1, s.slot + 1]
                } else if bands.count == 2 {
                    p.gaps = [b0 == r ? near(target: t.slot, from: s.slot) : near(source: s.slot, to: t.slot)]
                }
            } else if t.line > s.line {
                let b0 = Band(gutter: s.line + 1, kind: 0), bn = Band(gutter: t.line, kind: 2)
                if s.line + 1 == t.line && !(tabSlots[t.line]?.contains(t.slot) ?? false) {
                    p = GridLayout.Plan(sourceSide: .bottom, targetSide: .top, bands: [b0], gaps: [], straight: s.slot == t.slot)
                } else {
                    p = GridLayout.Plan(sourceSide: .bottom, targetSide: .top, bands: [b0, bn], gaps: [near(target: t.slot, from: s.slot)])
                }
            } else if t.line < s.line {
                let b0 = Band(gutter: s.line, kind: 2), bn = Band(gutter: t.line + 1, kind: 0)
                if t.line + 1 == s.line && !(tabSlots[s.line]?.contains(t.slot) ?? false) {
                    p = GridLayout.Plan(sourceSide: .top, targetSide: .bottom, bands: [b0], gaps: [], straight: s.slot == t.slot)
                } else {
                    p = GridLayout.Plan(sourceSide: .top, targetSide: .bottom, bands: [b0, bn], gaps: [near(target: t.slot, from: s.slot)])
                }
            } else {
                p = GridLayout.Plan(sourceSide: .bottom, targetSide: .bottom, bands: [Band(gutter: s.line + 1, kind: 0)], gaps: [])
            }
            plans.append(p)
        }
    }

    /// The gap beside the target on the source's side; when they share a slot, the side with fewer
    /// container borders to cross (the right on a tie).
    private mutating func near(target t: Int, from s: Int) -> Int { s < t ? t : (s > t ? t + 1 : quieterSide(of: t)) }
    /// The gap beside the source on the target's side.
    private mutating func near(source s: Int, to t: Int) -> Int { s < t ? s + 1 : (s > t ? s : quieterSide(of: s)) }

    /// Container borders in each gap (closing on its left, opening on its right).
    lazy var bordersInGap: [Int: Int] = {
        var count: [Int: Int] = [:]
        for c in scene.containers {
            count[c.slots.lowerBound, default: 0] += 1
            count[c.slots.upperBound + 1, default: 0] += 1
        }
        return count
    }()

    private mutating func quieterSide(of slot: Int) -> Int {
        (bordersInGap[slot] ?? 0) < (bordersInGap[slot + 1] ?? 0) ? slot : slot + 1
    }

    // MARK: Ports

    mutating func assignPorts() {
        let n = scene.nodes.count
        sourcePort = Array(repeating: 0, count: scene.edges.count)
        targetPort = Array(repeating: 0, count: scene.edges.count)
        tagWidth = scene.edges.map { e in e.tag.map { TextMeasure.width($0, size: Metrics.tagSize) + 8 } ?? 0 }
        var lists: [Int: [(edge: Int, isSource: Bool, heading: Int, other: Int)]] = [:]  // key: node * 2 + side
        var maxTag = Array(repeating: (bottom: 0.0, top: 0.0), count: n)
        for (i, e) in ends.enumerated() {
            let p = plans[i]
            let s = cells[e.source], t = cells[e.target]
            let outHeading = p.bands.count == 1 ? 2 * t.slot + 1 : 2 * p.gaps[0]
            let inHeading = p.bands.count == 1 ? 2 * s.slot + 1 : 2 * p.gaps[p.gaps.count - 1]
            lists[e.source * 2 + (p.sourceSide == .top ? 1 : 0), default: []].append((i, true, outHeading, t.line))
            // A straight edge enters its target right under (over) its source port, off the target's own port grid.
            if !p.straight { lists[e.target * 2 + (p.targetSide == .top ? 1 : 0), default: []].append((i, false, inHeading, s.line)) }
            if p.sourceSide == .top { maxTag[e.source].top = max(maxTag[e.source].top, tagWidth[i]) } else { maxTag[e.source].bottom = max(maxTag[e.source].bottom, tagWidth[i]) }
        }
        func roundUp8(_ v: Double) -> Double { (v / 8).rounded(.up) * 8 }
        spacing = maxTag.map { (bottom: $0.bottom > 0 ? max(8, roundUp8($0.bottom + 6)) : Metrics.portSpacing,
                                top: $0.top > 0 ? max(8, roundUp8($0.top + 6)) : Metrics.portSpacing) }
        // Order each side's ports by where their edges head (then farther ones outside), centred on the node.
        var ordered: [Int: [(edge: Int, isSource: Bool, heading: Int, other: Int)]] = [:]
        for key in lists.keys.sorted() {
            let node = key / 2
            ordered[key] = lists[key]!.sorted { a, b in
                if a.heading != b.heading { return a.heading < b.heading }
                // Same direction: the farther one on the outside.
                if a.other != b.other { return a.heading <= 2 * cells[node].slot + 1 ? a.other > b.other : a.other < b.other }
                return (a.edge, a.isSource ? 0 : 1) < (b.edge, b.isSource ? 0 : 1)
            }
            let list = ordered[key]!
            let first = -((list.count - 1) / 2)
            for (k, item) in list.enumerated() {
                if item.isSource { sourcePort[item.edge] = first + k } else { targetPort[item.edge] = first + k }
            }
        }
        // A straight edge enters its target at its source's x, off the target's grid: the target's other
        // ports on that side keep 8px clear of it (and straight sources keep their place, so nothing cascades).
        var reserved: [Int: [Double]] = [:]  // target side key → x offsets from the centre
        for (i, p) in plans.enumerated() where p.straight {
            let e = ends[i]
            let x = Double(sourcePort[i]) * (p.sourceSide == .top ? spacing[e.source].top : spacing[e.source].bottom) + (p.sourceSide == .top ? 4 : 0)
            reserved[e.target * 2 + (p.targetSide == .top ? 1 : 0), default: []].append(x)
        }
        for (key, xs) in reserved.sorted(by: { $0.key < $1.key }) {
            guard let list = ordered[key] else { continue }
            let node = key / 2, top = key % 2 == 1
            let step = top ? spacing[node].top : spacing[node].bottom, offset = top ? 4.0 : 0
            var fixed = Set<Int>()
            for item in list where item.isSource && plans[item.edge].straight { fixed.insert(sourcePort[item.edge]) }
            let free = list.filter { !($0.isSource && plans[$0.edge].straight) }
            // Ports heading left go left of the straight edges, the others right of them, in their order.
            let own = 2 * cells[node].slot + 1
            let left = free.filter { $0.heading < own }, right = free.filter { $0.heading >= own }
            func x(_ q: Int) -> Double { Double(q) * step + offset }
            func allowed(_ q: Int) -> Bool { !fixed.contains(q) && !xs.contains { abs(x(q) - $0) < 8 } }
            let lo = xs.min()!, hi = xs.max()!
            var leftQs: [Int] = []
            var q = Int(((lo - offset) / step).rounded(.down))
            while leftQs.count < left.count {
                if x(q) < lo && allowed(q) { leftQs.append(q) }
                q -= 1
            }
            var rightQs: [Int] = []
            q = Int(((hi - offset) / step).rounded(.up))
            while rightQs.count < right.count {
                if x(q) > hi && allowed(q) { rightQs.append(q) }
                q += 1
            }
            for (item, q) in zip(left + right, leftQs.sorted() + rightQs) {
                if item.isSource { sourcePort[item.edge] = q } else { targetPort[item.edge] = q }
            }
        }
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
        // Node widths: text, badges, ports and tags.
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

    /// Horizontal text inset of a node kind (room for its shape's corners).
    static func inset(_ kind: NodeKind) -> Double {
        switch kind {
        case .gateway: 14
        case .clients: 14
        default: Metrics.nodeInset
        }
    }

    // MARK: Lanes

    mutating func assignLanes() {
        let K = 1 << 20
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

    // MARK: Run

    mutating func run() -> Diagram {
        plan()
        assignPorts()
        assignLanes()
        children = Array(repeating: [], count: scene.containers.count)
        for (i, c) in scene.containers.enumerated() { if let p = c.parent { children[p].append(i) } }
        depth = scene.containerDepths
        return place()
    }

    /// Width of a container's label tab: label, badges, padding.
    func tabWidth(_ c: SceneContainer) -> Double {
        let badges = c.badges.isEmpty || !showFindings ? 0 : 6 + Double(c.badges.count) * (Metrics.badgeSize + Metrics.badgeGap) - Metrics.badgeGap
        return 16 + TextMeasure.width(c.label, size: Metrics.labelSize, bold: true) + badges
    }

    /// Offsets of nested borders at each gutter or gap, equal for containers at the same depth.
    /// `starts(c)` is the grid index where `c`'s border lies; `unit` is one container's own need.
    func offsets(at starts: (SceneContainer) -> Int, unit: Double) -> [Int: Double] {
        var result: [Int: Double] = [:]  // container → offset
        var byIndex: [Int: [Int]] = [:]
        for (i, c) in scene.containers.enumerated() { byIndex[starts(c), default: []].append(i) }
        for (index, members) in byIndex {
            let maxDepth = members.map { depth[$0] }.max()!
            var perDepth: [Int: Double] = [:]
            for d in stride(from: maxDepth, through: 0, by: -1) {
                var best = 0.0
                for m in members where depth[m] == d {
                    let inner = children[m].contains { starts(scene.containers[$0]) == index } ? (perDepth[d + 1] ?? 0) : 0
                    best = max(best, unit + inner)
                }
                if best > 0 { perDepth[d] = best }
            }
            for m in members { result[m] = perDepth[depth[m]]! }
        }
        return result
    }

    // MARK: Geometry

    mutating func place() -> Diagram {
        let nodes = scene.nodes
        let slotCount = scene.slotCount, lineCount = scene.lineCount
        let h = scene.nodeHeight

        // Slot widths: the widest node, and the label tabs of containers starting there.
        var slotWidth = Array(repeating: Metrics.minNodeWidth, count: slotCount)
        for (i, n) in nodes.enumerated() { slotWidth[n.slot] = max(slotWidth[n.slot], nodeWidth[i]) }
        for c in scene.containers { slotWidth[c.slots.lowerBound] = max(slotWidth[c.slots.lowerBound], tabWidth(c)) }

        let top = offsets(at: { $0.lines.lowerBound }, unit: Metrics.headerHeight + Metrics.headerGap)
        let bottom = offsets(at: { $0.lines.upperBound + 1 }, unit: Metrics.pad)
        let left = offsets(at: { $0.slots.lowerBound }, unit: Metrics.pad)
        let right = offsets(at: { $0.slots.upperBound + 1 }, unit: Metrics.pad)
        func zone(_ offsets: [Int: Double], _ at: (SceneContainer) -> Int, _ count: Int) -> [Double] {
            var z = Array(repeating: 0.0, count: count + 1)
            for (i, c) in scene.containers.enumerated() { z[at(c)] = max(z[at(c)], offsets[i]!) }
            return z
        }
        let headZone = zone(top, { $0.lines.lowerBound }, lineCount)
        let closeZone = zone(bottom, { $0.lines.upperBound + 1 }, lineCount)
        let openZone = zone(left, { $0.slots.lowerBound }, slotCount)
        let rightZone = zone(right, { $0.slots.upperBound + 1 }, slotCount)
        func bandHeight(_ n: Int) -> Double { n > 0 ? 2 * Metrics.laneMargin + Double(n - 1) * Metrics.laneGap : 0 }

        // Tags below / above lines.
        var tagBelow = Array(repeating: 0.0, count: lineCount + 1)
        var tagAbove = Array(repeating: 0.0, count: lineCount + 1)
        for (i, e) in scene.edges.enumerated() where e.tag != nil {
            let s = cells[e.source]
            if plans[i].sourceSide == .bottom { tagBelow[s.line + 1] = Metrics.tagHeight + 4 } else { tagAbove[s.line] = Metrics.tagHeight + 4 }
        }

        // Title block.
        let titleTop = Metrics.margin
        var texts: [DiagramText] = []
        var badges: [DiagramBadge] = []
        let titleBadgeWidth = showFindings && !scene.titleBadges.isEmpty
            ? 8 + Double(scene.titleBadges.count) * (Metrics.badgeSize + Metrics.badgeGap) : 0
        let titleWidth = TextMeasure.width(scene.title, size: Metrics.titleSize, bold: true) + titleBadgeWidth

        // Horizontal positions.
        var gapLaneStart = Array(repeating: 0.0, count: slotCount + 1)
        var slotLeft = Array(repeating: 0.0, count: slotCount)
        var x = Metrics.margin - Metrics.minGap / 2
        for k in 0...slotCount {
            let lanes = gapLanes[k] ?? 0
            let laneWidth = bandHeight(lanes)
            // Borders closing and borders opening in one gap stay apart even without lanes between them.
            let apart = rightZone[k] > 0 && openZone[k] > 0 && laneWidth == 0 ? Metrics.pad : 0
            var used = rightZone[k] + laneWidth + apart + openZone[k]
            let extra = max(0, Metrics.minGap - used)
            used += extra
            gapLaneStart[k] = x + rightZone[k] + (extra + apart) / 2
            x += used
            if k < slotCount {
                slotLeft[k] = x
                x += slotWidth[k]
            }
        }
        let gridRight = x

        // Subtitles wrap to the grid's width (at least a readable measure).
        let textMeasure = max(gridRight - Metrics.margin, 560)
        var subtitleLines: [String] = []
        for s in scene.subtitles { subtitleLines += TextMeasure.wrap(s, size: Metrics.subtitleSize, maxWidth: textMeasure) }
        let titleHeight = Metrics.titleSize * 1.2 + Double(subtitleLines.count) * (Metrics.subtitleSize + 6) + 4
        let gridTop = titleTop + titleHeight + 8

        // Vertical positions.
        var aStart = Array(repeating: 0.0, count: lineCount + 1)
        var rStart = Array(repeating: 0.0, count: lineCount + 1)
        var bStart = Array(repeating: 0.0, count: lineCount + 1)
        var closeStart = Array(repeating: 0.0, count: lineCount + 1)
        var lineTop = Array(repeating: 0.0, count: lineCount)
        var y = gridTop
        for g in 0...lineCount {
            let a = bandHeight(bandLanes[Band(gutter: g, kind: 0)] ?? 0)
            let r = bandHeight(bandLanes[Band(gutter: g, kind: 1)] ?? 0)
            let b = bandHeight(bandLanes[Band(gutter: g, kind: 2)] ?? 0)
            let apart = closeZone[g] > 0 && headZone[g] > 0 && a + r == 0 ? Metrics.pad : 0
            var used = tagBelow[g] + closeZone[g] + a + r + headZone[g] + b + tagAbove[g]
            let extra = (g == 0 || g == lineCount ? 0 : max(0, Metrics.minGutter - used)) + apart
            used += extra
            closeStart[g] = y + tagBelow[g]
            aStart[g] = closeStart[g] + closeZone[g] + extra
            rStart[g] = aStart[g] + a
            bStart[g] = rStart[g] + r + headZone[g]
            y += used
            if g < lineCount {
                lineTop[g] = y
                y += h
            }
        }
        let gridBottom = y

        // Nodes, each with the deepest container whose cells include its cell.
        var coveringSlot: [Int: [Int]] = [:]
        for (i, c) in scene.containers.enumerated() { for s in c.slots { coveringSlot[s, default: []].append(i) } }
        var outNodes: [DiagramNode] = []
        for (index, n) in nodes.enumerated() {
            var inner: Int?
            for c in coveringSlot[n.slot] ?? [] where scene.containers[c].lines.contains(n.line) {
                if inner == nil || depth[c] > depth[inner!] { inner = c }
            }
            // Boxes of a slot share its centre (and so their port grid); in the topology they also share its width.
            let w = scene.uniformWidths ? slotWidth[n.slot] : nodeWidth[index]
            let rect = Rect(x: slotLeft[n.slot] + (slotWidth[n.slot] - w) / 2, y: lineTop[n.line], width: w, height: h)
            outNodes.append(DiagramNode(id: n.id, kind: n.kind, rect: rect, name: n.name, details: n.details, tooltip: n.tooltip, replicas: n.replicas,
                                        container: inner.map { scene.containers[$0].id }))
            let inset = LayoutWork.inset(n.kind)
            let first = n.kind == .store ? 22.0 : 18.0
            texts.append(DiagramText(n.name, role: .nodeName, size: Metrics.nameSize, bold: true, x: rect.x + inset, baseline: rect.y + first, owner: n.id))
            for (k, d) in n.details.enumerated() {
                texts.append(DiagramText(d, role: .nodeDetail, size: Metrics.detailSize, bold: false, x: rect.x + inset,
                                         baseline: rect.y + first + Metrics.lineStep * Double(k + 1), owner: n.id))
            }
            if showFindings, !n.badges.isEmpty {
                let total = Double(n.badges.count) * (Metrics.badgeSize + Metrics.badgeGap) - Metrics.badgeGap
                var bx = rect.maxX - inset - total
                let by = rect.y + (n.kind == .store ? 6 : 5)
                for number in n.badges {
                    badges.append(badge(number, Rect(x: bx, y: by, width: Metrics.badgeSize, height: Metrics.badgeSize), owner: n.id, texts: &texts))
                    bx += Metrics.badgeSize + Metrics.badgeGap
                }
            }
        }

        // Containers.
        var outContainers: [DiagramContainer] = []
        for (i, c) in scene.containers.enumerated() {
            let x0 = slotLeft[c.slots.lowerBound] - left[i]!
            let x1 = slotLeft[c.slots.upperBound] + slotWidth[c.slots.upperBound] + right[i]!
            let y0 = bStart[c.lines.lowerBound] - top[i]!
            let y1 = closeStart[c.lines.upperBound + 1] + bottom[i]!
            let rect = Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            let tab = Rect(x: x0, y: y0, width: tabWidth(c), height: Metrics.headerHeight)
            outContainers.append(DiagramContainer(id: c.id, kind: c.kind, rect: rect, label: c.label, labelBand: tab, tooltip: c.tooltip,
                                                  parent: c.parent.map { scene.containers[$0].id }))
            texts.append(DiagramText(c.label, role: .containerLabel, size: Metrics.labelSize, bold: true, x: x0 + 8, baseline: y0 + 14.5, owner: c.id))
            if showFindings, !c.badges.isEmpty {
                var bx = x0 + 8 + TextMeasure.width(c.label, size: Metrics.labelSize, bold: true) + 6
                for number in c.badges {
                    badges.append(badge(number, Rect(x: bx, y: y0 + 2, width: Metrics.badgeSize, height: Metrics.badgeSize), owner: c.id, texts: &texts))
                    bx += Metrics.badgeSize + Metrics.badgeGap
                }
            }
        }

        // Edges.
        func laneY(_ band: Band, _ lane: Int) -> Double {
            let start = band.kind == 0 ? aStart[band.gutter] : band.kind == 1 ? rStart[band.gutter] : bStart[band.gutter]
            return start + Metrics.laneMargin + Double(lane) * Metrics.laneGap
        }
        func laneX(_ gap: Int, _ lane: Int) -> Double { gapLaneStart[gap] + Metrics.laneMargin + Double(lane) * Metrics.laneGap }
        // Geometry of the boxes, read without copying the boxes' strings.
        let rects = outNodes.map(\.rect)
        let isStore = outNodes.map { $0.kind == .store }
        let ids = outNodes.map(\.id)
        func portX(_ node: Int, _ p: Int, _ side: Side) -> Double {
            let r = rects[node]
            let s = side == .top ? spacing[node].top : spacing[node].bottom
            return r.midX + Double(p) * s + (side == .top ? Metrics.portSpacing / 2 : 0)
        }
        /// The cost tag of edge `i`, centred on its source port, and its pill.
        func tagRectFor(_ i: Int, _ sx: Double) -> Rect? {
            guard scene.edges[i].tag != nil else { return nil }
            let sr = rects[ends[i].source]
            let ty = plans[i].sourceSide == .bottom ? sr.maxY + 2 : sr.minY - 2 - Metrics.tagHeight
            return Rect(x: sx - tagWidth[i] / 2, y: ty, width: tagWidth[i], height: Metrics.tagHeight)
        }
        func tagFor(_ i: Int, _ e: SceneEdge, _ sx: Double) -> DiagramText? {
            guard let text = e.tag, let r = tagRectFor(i, sx) else { return nil }
            return DiagramText(text, role: .tag, size: Metrics.tagSize, bold: false, x: sx, baseline: r.y + 10.5, centered: true, owner: e.id)
        }
        var outEdges: [DiagramEdge] = []
        for (i, e) in scene.edges.enumerated() {
            let p = plans[i]
            let sx = portX(e.source, sourcePort[i], p.sourceSide), tx = portX(e.target, targetPort[i], p.targetSide)
            var pts = [Point(sx, border(rects[e.source], store: isStore[e.source], x: sx, side: p.sourceSide))]
            if p.straight {
                pts.append(Point(sx, border(rects[e.target], store: isStore[e.target], x: sx, side: p.targetSide)))
                outEdges.append(DiagramEdge(id: e.id, style: e.style, source: ids[e.source], target: ids[e.target],
                                            points: pts, tooltip: e.tooltip, tag: tagFor(i, e, sx), tagRect: tagRectFor(i, sx)))
                continue
            }
            pts.append(Point(sx, laneY(p.bands[0], hLane[i][0])))
            for (t, gap) in p.gaps.enumerated() {
                let gx = laneX(gap, vLane[i][t])
                pts.append(Point(gx, laneY(p.bands[t], hLane[i][t])))
                pts.append(Point(gx, laneY(p.bands[t + 1], hLane[i][t + 1])))
            }
            let last = p.bands.count - 1
            pts.append(Point(tx, laneY(p.bands[last], hLane[i][last])))
            pts.append(Point(tx, border(rects[e.target], store: isStore[e.target], x: tx, side: p.targetSide)))
            outEdges.append(DiagramEdge(id: e.id, style: e.style, source: ids[e.source], target: ids[e.target],
                                        points: simplify(pts), tooltip: e.tooltip, tag: tagFor(i, e, sx), tagRect: tagRectFor(i, sx)))
        }

        // Title.
        texts.append(DiagramText(scene.title, role: .title, size: Metrics.titleSize, bold: true, x: Metrics.margin, baseline: titleTop + Metrics.titleSize, owner: "title"))
        if showFindings, !scene.titleBadges.isEmpty {
            var bx = Metrics.margin + TextMeasure.width(scene.title, size: Metrics.titleSize, bold: true) + 8
            for number in scene.titleBadges {
                badges.append(badge(number, Rect(x: bx, y: titleTop + 3, width: Metrics.badgeSize, height: Metrics.badgeSize), owner: "title", texts: &texts))
                bx += Metrics.badgeSize + Metrics.badgeGap
            }
        }
        var ty = titleTop + Metrics.titleSize * 1.2 + 4
        var subtitleWidth = 0.0
        for line in subtitleLines {
            ty += Metrics.subtitleSize + 6
            texts.append(DiagramText(line, role: .subtitle, size: Metrics.subtitleSize, bold: false, x: Metrics.margin, baseline: ty - 4, owner: "title"))
            subtitleWidth = max(subtitleWidth, TextMeasure.width(line, size: Metrics.subtitleSize))
        }
        let titleRect = Rect(x: Metrics.margin - 4, y: titleTop - 4, width: max(titleWidth, subtitleWidth) + 8, height: titleHeight + 6)

        // Legend and findings panel: under the grid, or beside it when that gives a squarer picture.
        let gridEdge = gridRight + Metrics.margin - Metrics.minGap / 2
        func arrange(beside: Bool) -> (decorations: Decorations, texts: [DiagramText], width: Double, height: Double) {
            var d = Decorations(scene: scene, showFindings: showFindings, nodes: outNodes, edges: outEdges)
            var t: [DiagramText] = []
            let box = beside
                ? d.place(left: gridEdge, top: gridTop, width: 480, stacked: true, texts: &t)
                : d.place(left: Metrics.margin, top: gridBottom + 12, width: gridEdge - Metrics.margin, stacked: false, texts: &t)
            let w = max(gridEdge, titleRect.maxX + Metrics.margin, box.maxX + Metrics.margin)
            let h = max(gridBottom, box.maxY) + Metrics.margin
            return (d, t, w.rounded(.up), h.rounded(.up))
        }
        func skew(_ a: (decorations: Decorations, texts: [DiagramText], width: Double, height: Double)) -> Double {
            abs(Foundation.log(a.width / a.height / 1.5))
        }
        let below = arrange(beside: false)
        let side = arrange(beside: true)
        let chosen = skew(side) + 0.05 < skew(below) ? side : below
        let decorations = chosen.decorations
        texts += chosen.texts
        let (width, height) = (chosen.width, chosen.height)

        return Diagram(architecture: scene.architecture, view: scene.view, title: scene.title, summary: scene.summary,
                       width: width, height: height, nodes: outNodes, containers: outContainers, edges: outEdges,
                       texts: texts, badges: badges, findings: showFindings ? scene.findings : [], legend: decorations.items,
                       titleRect: titleRect, legendRect: decorations.legendRect, findingsRect: decorations.panelRect,
                       legendSamples: decorations.samples, panelBadges: decorations.panelBadges)
    }

    /// Where a vertical line at `x` meets a node's outline on one side: the box edge, or a cylinder's rim.
    private func border(_ r: Rect, store: Bool, x: Double, side: Side) -> Double {
        guard store else { return side == .top ? r.minY : r.maxY }
        let ry = SVGRenderer.cylinderRim(r), rx = r.width / 2
        let u = min(1, abs(x - r.midX) / rx)
        let lift = ry * (1 - (1 - u * u).squareRoot())
        // Rounded to the tenth the SVG keeps, inwards, so the line reaches the outline.
        return side == .top ? ((r.minY + lift) * 10).rounded(.up) / 10 : ((r.maxY - lift) * 10).rounded(.down) / 10
    }

    /// A badge and its number text.
    private func badge(_ number: Int, _ rect: Rect, owner: String, texts: inout [DiagramText]) -> DiagramBadge {
        let severity = scene.findings[number - 1].severity
        let label = DiagramText(String(number), role: .badge, size: 10, bold: true, x: rect.midX, baseline: rect.y + 11.8, centered: true, owner: owner)
        texts.append(label)
        return DiagramBadge(number: number, severity: severity, rect: rect, owner: owner, label: label)
    }

    /// Drops repeated points and merges collinear runs.
    private func simplify(_ pts: [Point]) -> [Point] {
        var out: [Point] = []
        for p in pts {
            if let l = out.last, l == p { continue }
            if out.count >= 2 {
                let a = out[out.count - 2], b = out[out.count - 1]
                if (a.x == b.x && b.x == p.x) || (a.y == b.y && b.y == p.y) {
                    // Only merge when the run keeps its direction (no doubling back).
                    let forward = a.x == b.x ? (b.y - a.y) * (p.y - b.y) > 0 : (b.x - a.x) * (p.x - b.x) > 0
                    if forward { out[out.count - 1] = p; continue }
                }
            }
            out.append(p)
        }
        return out
    }
}
