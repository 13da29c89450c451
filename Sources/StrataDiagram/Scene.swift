import StrataDiagnostics
import StrataModel

/// A node before layout: its grid cell (slot column, line) and its content.
struct SceneNode {
    let id: String
    let kind: NodeKind
    var name: String
    var details: [String]
    var tooltip: String
    let replicas: Int
    var slot = 0
    var line = 0
    var badges: [Int] = []
}

/// A container before layout: the grid ranges it encloses.
struct SceneContainer {
    let id: String
    let kind: ContainerKind
    var label: String
    var tooltip: String
    var slots: ClosedRange<Int>
    var lines: ClosedRange<Int>
    var parent: Int?
    var badges: [Int] = []
}

/// An edge before routing.
struct SceneEdge {
    let id: String
    let style: EdgeStyle
    let source: Int
    let target: Int
    var tooltip: String
    /// Per-hop cost shown next to the source (calls view).
    var tag: String?
}

/// Where a finding's badge goes.
enum SceneOwner: Hashable {
    case node(Int)
    case container(Int)
    case title
}

/// The structural picture of a view, in grid coordinates: what the layout places and routes.
struct Scene {
    var architecture: String
    var view: DiagramView
    /// `<title>` and the heading drawn at the top.
    var title: String
    /// Smaller lines under the heading (description, facts).
    var subtitles: [String]
    /// `<desc>`.
    var summary: String
    var nodes: [SceneNode] = []
    var containers: [SceneContainer] = []
    var edges: [SceneEdge] = []
    var slotCount = 0
    var lineCount = 0
    /// Gutters (index g lies above line g) that carry the replication channel.
    var replicationGutters: Set<Int> = []
    /// Node height in px (all nodes of a view are equally tall).
    var nodeHeight: Double = 44
    /// Boxes take their slot's full width (tidy columns) rather than their own.
    var uniformWidths = true
    var titleBadges: [Int] = []
    var findings: [DiagramFinding] = []
    /// Container kinds with their own border style that the legend explains.
    var legendContainers: [ContainerKind] = []

    init(architecture: String, view: DiagramView, title: String, subtitles: [String], summary: String) {
        self.architecture = architecture
        self.view = view
        self.title = title
        self.subtitles = subtitles
        self.summary = summary
    }

    /// Id of the element a badge owner names.
    func ownerID(_ owner: SceneOwner) -> String {
        switch owner {
        case .node(let i): nodes[i].id
        case .container(let i): containers[i].id
        case .title: "title"
        }
    }

    /// Numbers the findings and puts one badge on the element each blames (the drawn element of
    /// the first block of its chain that the view draws, the title when it draws none).
    mutating func attach(_ findings: [PreparedFinding], owner: (Subject) -> SceneOwner?) {
        for (offset, finding) in findings.enumerated() {
            let number = offset + 1
            var placed = SceneOwner.title
            for block in finding.chain {
                if let o = owner(block) { placed = o; break }
            }
            switch placed {
            case .node(let i): nodes[i].badges.append(number)
            case .container(let i): containers[i].badges.append(number)
            case .title: titleBadges.append(number)
            }
            self.findings.append(DiagramFinding(number: number, rule: finding.rule, severity: finding.severity,
                                                message: finding.message, subject: finding.subject, owner: ownerID(placed)))
        }
    }

    /// Every text of the scene as the outputs show it (``ShownText``): labels one line each, cut at
    /// 200 characters; wrapped text (subtitles, finding messages) one line cut at 2,000; tooltips and
    /// the summary cut at 2,000; control, bidirectional and invisible characters escaped.
    /// Runs before layout, so every box is measured for the text it draws.
    mutating func showText() {
        title = ShownText.line(title)
        subtitles = subtitles.map { ShownText.paragraph($0) }
        summary = ShownText.block(summary)
        for i in nodes.indices {
            nodes[i].name = ShownText.line(nodes[i].name)
            nodes[i].details = nodes[i].details.map(ShownText.line)
            nodes[i].tooltip = ShownText.block(nodes[i].tooltip)
        }
        for i in containers.indices {
            containers[i].label = ShownText.line(containers[i].label)
            containers[i].tooltip = ShownText.block(containers[i].tooltip)
        }
        for i in edges.indices {
            edges[i].tooltip = ShownText.block(edges[i].tooltip)
            edges[i].tag = edges[i].tag.map(ShownText.line)
        }
        findings = findings.map { f in
            DiagramFinding(number: f.number, rule: f.rule, severity: f.severity, message: ShownText.paragraph(f.message),
                           subject: ShownText.line(f.subject), owner: f.owner)
        }
    }
}

/// Nesting, as the layout needs it: containers name their parent explicitly,
/// so that two containers over the same grid cells still nest.
extension Scene {
    /// Depth of every container (0 for top-level ones).
    var containerDepths: [Int] {
        var depth = Array(repeating: -1, count: containers.count)
        func resolve(_ i: Int) -> Int {
            if depth[i] >= 0 { return depth[i] }
            let d = containers[i].parent.map { resolve($0) + 1 } ?? 0
            depth[i] = d
            return d
        }
        for i in containers.indices { _ = resolve(i) }
        return depth
    }
}

/// Formats a count of replicas: `×3`, nothing for one.
func replicaSuffix(_ n: Int) -> String { n > 1 ? " ×\(n)" : "" }

/// `3 per set`, `3 across idc`, `2 in hangzhou`.
func describePlacement(_ p: Placement, topology: Topology) -> String {
    switch p.mode {
    case .perSet: return "\(p.count) per set"
    case .across(let level, let within):
        return "\(p.count) across \(level)" + (within.map { " in \(topology[$0].name)" } ?? "")
    case .inside(let d): return "\(p.count) in \(topology[d].name)"
    }
}

/// `strong`, `bounded 5s`, ...
func describeConsistency(_ c: Consistency) -> String {
    switch c {
    case .strong: "strong"
    case .session: "session"
    case .eventual: "eventual"
    case .bounded(let ms): "bounded \(formatDuration(ms))"
    }
}

/// Milliseconds as the spec would write them: `250us`, `80ms`, `5s`, `2m`, `1h`.
func formatDuration(_ ms: Double) -> String {
    func trim(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
    if ms < 1 { return trim(ms * 1000) + "us" }
    if ms >= 3_600_000, (ms / 3_600_000).truncatingRemainder(dividingBy: 1) == 0 { return trim(ms / 3_600_000) + "h" }
    if ms >= 60_000, (ms / 60_000).truncatingRemainder(dividingBy: 1) == 0 { return trim(ms / 60_000) + "m" }
    if ms >= 1000, (ms / 1000).truncatingRemainder(dividingBy: 1) == 0 { return trim(ms / 1000) + "s" }
    return trim(ms) + "ms"
}

/// `99.95%`.
func formatPercent(_ fraction: Double) -> String {
    let p = (fraction * 100_000).rounded() / 1000
    return (p == p.rounded() ? String(Int(p)) : String(p)) + "%"
}
