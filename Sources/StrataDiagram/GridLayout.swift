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
///
/// The phases, each in its own file: plan every edge's bands and gaps
/// (EdgePlans.swift), order the ports on each side of each node and size the
/// nodes (Ports.swift), colour the lanes (Lanes.swift), measure the grid
/// (GridGeometry.swift), draw boxes, edges and text (GridDrawing.swift).
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

/// The state of one layout run, filled phase by phase.
struct LayoutWork {
    let scene: Scene
    let showFindings: Bool
    typealias Side = GridLayout.Side
    typealias Band = GridLayout.Band

    // Edge plans.
    var plans: [GridLayout.Plan] = []

    // Ports and node widths.
    /// Port offset index (multiples of the node's spacing from its centre) of each edge's source and target.
    var sourcePort: [Int] = []
    var targetPort: [Int] = []
    /// Port spacing of each node, bottom and top side.
    var spacing: [(bottom: Double, top: Double)] = []
    /// The widest cost tag leaving each node, bottom and top side.
    var maxTag: [(bottom: Double, top: Double)] = []
    var tagWidth: [Double] = []
    var nodeWidth: [Double] = []

    // Lanes.
    /// Lane of each edge in each of its bands, and in each of its gaps.
    var hLane: [[Int]] = []
    var vLane: [[Int]] = []
    /// Lanes used in each band and in each gap.
    var bandLanes: [Band: Int] = [:]
    var gapLanes: [Int: Int] = [:]

    // Container nesting.
    var children: [[Int]] = []
    var depth: [Int] = []

    /// Grid cell of every node (copied out of the scene once: reading a node copies its strings).
    let cells: [(slot: Int, line: Int)]
    /// Source, target and style of every edge (likewise copied out once).
    let ends: [(source: Int, target: Int, style: EdgeStyle)]

    /// First slots of the containers opening at each gutter (their label tabs sit above these slots).
    lazy var tabSlots: [Int: Set<Int>] = {
        var result: [Int: Set<Int>] = [:]
        for c in scene.containers { result[c.lines.lowerBound, default: []].insert(c.slots.lowerBound) }
        return result
    }()

    /// Container borders in each gap (closing on its left, opening on its right).
    lazy var bordersInGap: [Int: Int] = {
        var count: [Int: Int] = [:]
        for c in scene.containers {
            count[c.slots.lowerBound, default: 0] += 1
            count[c.slots.upperBound + 1, default: 0] += 1
        }
        return count
    }()

    init(scene: Scene, showFindings: Bool) {
        self.scene = scene
        self.showFindings = showFindings
        cells = scene.nodes.map { ($0.slot, $0.line) }
        ends = scene.edges.map { ($0.source, $0.target, $0.style) }
    }

    mutating func run() -> Diagram {
        plan()
        assignPorts()
        assignLanes()
        children = Array(repeating: [], count: scene.containers.count)
        for (i, c) in scene.containers.enumerated() { if let p = c.parent { children[p].append(i) } }
        depth = scene.containerDepths
        return draw(GridGeometry(self))
    }

    /// Horizontal text inset of a node kind (room for its shape's corners).
    static func inset(_ kind: NodeKind) -> Double {
        switch kind {
        case .gateway: 14
        case .clients: 14
        default: Metrics.nodeInset
        }
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
}
