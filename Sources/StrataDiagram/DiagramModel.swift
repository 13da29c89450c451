import StrataDiagnostics

/// Which picture of an architecture to draw.
public enum DiagramView: Hashable, Sendable, CustomStringConvertible {
    /// Failure domains as columns, tiers as rows, every placed component collapsed per domain.
    case topology
    /// The endpoint call graph with per-hop p99 costs.
    case calls
    /// One set in detail: its domain down to racks, its own instances and what it depends on.
    case set(String)

    public var description: String {
        switch self {
        case .topology: "topology"
        case .calls: "calls"
        case .set(let name): "set \(name)"
        }
    }
}

/// The smallest failure domain drawn as a column.
public enum DiagramDetail: String, CaseIterable, Sendable {
    case idc, rack
}

/// What to draw and how.
public struct DiagramOptions: Sendable {
    public var view: DiagramView
    /// Column granularity; nil picks the view's default (IDCs for topology, racks for a set).
    public var detail: DiagramDetail?
    /// Numbered finding badges and the findings panel.
    public var showFindings: Bool

    public init(view: DiagramView = .topology, detail: DiagramDetail? = nil, showFindings: Bool = true) {
        self.view = view
        self.detail = detail
        self.showFindings = showFindings
    }
}

/// A diagram that cannot be drawn (e.g. a set that does not exist).
public struct DiagramError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Kinds of boxes in a diagram.
public enum NodeKind: String, CaseIterable, Sendable {
    case clients, cdn, gateway, service
    case statefulService = "stateful-service"
    case registry, store, endpoint

    /// How the legend names the kind.
    public var legendText: String {
        switch self {
        case .clients: "clients (users entering the system)"
        case .cdn: "CDN edge cache"
        case .gateway: "gateway"
        case .service: "stateless service"
        case .statefulService: "stateful service (double border)"
        case .registry: "discovery registry"
        case .store: "data store"
        case .endpoint: "endpoint (method, path, p99 / budget)"
        }
    }
}

/// Kinds of containers (boxes drawn around other boxes).
public enum ContainerKind: String, CaseIterable, Sendable {
    case region, city, idc, rack, machine, set, service
    /// Components a set depends on that run outside its domain (set view).
    case outside
}

/// How an edge is drawn; every style differs by dash pattern and marker, not only colour.
public enum EdgeStyle: String, CaseIterable, Sendable {
    /// A synchronous request: solid line, filled arrow.
    case call
    /// An optional call (failure only degrades): short dashes, filled arrow.
    case optional
    /// An async call, off the critical path: long dashes, open arrow.
    case async
    /// Data copied from a leader to a replica: dotted double-weight line, open diamond at the replica.
    case replication
    /// Name lookups through the registry: dash-dot line, small circle at the registry.
    case discovery

    public var legendText: String {
        switch self {
        case .call: "call or data access (solid)"
        case .optional: "optional call (short dashes)"
        case .async: "async call (long dashes, open arrow)"
        case .replication: "replication, leader to replica (dotted)"
        case .discovery: "discovery lookup (dash-dot)"
        }
    }
}

/// What a piece of text is, for styling and for the label checks.
public enum TextRole: String, Sendable {
    case title, subtitle, nodeName, nodeDetail, containerLabel, badge, legendHeading, legend, panelHeading, panel, tag
}

/// One line of text placed in the diagram, with its measured bounding box.
public struct DiagramText: Hashable, Sendable {
    public let text: String
    public let role: TextRole
    /// Font size in px.
    public let size: Double
    public let bold: Bool
    /// Bounding box from the font metrics: left edge, ascender to descender.
    public let rect: Rect
    /// Where the text is anchored (left end of the baseline, or its middle when `centered`).
    public let baseline: Point
    public let centered: Bool
    /// Id of the element whose box the text must stay inside.
    public let owner: String

    /// Ascender and descender of the font as fractions of the size.
    static let ascent = 0.93, descent = 0.24

    /// Text measured with the bundled font metrics.
    public init(_ text: String, role: TextRole, size: Double, bold: Bool, x: Double, baseline y: Double, centered: Bool = false, owner: String) {
        self.text = text
        self.role = role
        self.size = size
        self.bold = bold
        self.centered = centered
        self.owner = owner
        let w = TextMeasure.width(text, size: size, bold: bold)
        baseline = Point(x, y)
        rect = Rect(x: centered ? x - w / 2 : x, y: y - DiagramText.ascent * size, width: w, height: (DiagramText.ascent + DiagramText.descent) * size)
    }
}

/// A component (or endpoint) box.
public struct DiagramNode: Sendable {
    /// Derived from the model path, e.g. `n.service.orders.in.sh-a.set.sh-a`.
    public let id: String
    public let kind: NodeKind
    public let rect: Rect
    /// Bold first line (the component's name).
    public let name: String
    public let details: [String]
    /// Tooltip (`<title>`).
    public let tooltip: String
    /// Replicas collapsed into this box (`×N`), 1 when not a replica group.
    public let replicas: Int
    /// Id of the innermost container around the node, if any.
    public let container: String?
}

/// A box around other boxes: a failure domain, a set, a service (calls view).
public struct DiagramContainer: Sendable {
    public let id: String
    public let kind: ContainerKind
    public let rect: Rect
    public let label: String
    /// The header strip holding the label and its badges; edges never cross it.
    public let labelBand: Rect
    public let tooltip: String
    /// Id of the enclosing container, if any.
    public let parent: String?
}

/// An edge: an orthogonal polyline between two nodes.
public struct DiagramEdge: Sendable {
    public let id: String
    public let style: EdgeStyle
    public let source: String
    public let target: String
    public let points: [Point]
    public let tooltip: String
    /// Per-hop cost tag (calls view), drawn on the edge next to its source.
    public let tag: DiagramText?
    /// The tag's pill, when there is a tag.
    public let tagRect: Rect?

    /// Consecutive point pairs.
    public var segments: [Segment] {
        guard points.count > 1 else { return [] }
        return (1..<points.count).map { Segment(points[$0 - 1], points[$0]) }
    }
}

/// A numbered finding badge placed on the element the finding blames.
public struct DiagramBadge: Sendable {
    public let number: Int
    public let severity: Severity
    public let rect: Rect
    /// Id of the node, container or title the badge sits on.
    public let owner: String
    /// The number drawn in the badge.
    public let label: DiagramText
}

/// A checker finding as listed in the findings panel.
public struct DiagramFinding: Sendable {
    public let number: Int
    public let rule: String
    public let severity: Severity
    public let message: String
    /// The model element blamed, e.g. `store orders-db` or `endpoint orders.create`.
    public let subject: String
    /// Id of the element carrying the badge.
    public let owner: String
}

/// One legend line.
public enum LegendItem: Hashable, Sendable {
    case node(NodeKind)
    case edge(EdgeStyle)
    case finding(Severity)
    /// A container kind drawn with a distinct border (sets, services, outside).
    case container(ContainerKind)
}

/// A laid-out diagram: every box, line and piece of text with its geometry.
/// The SVG, DOT and Mermaid writers render it; the quality tests check it.
public struct Diagram: Sendable {
    public let architecture: String
    public let view: DiagramView
    /// `<title>`: one line naming the architecture and the view.
    public let title: String
    /// `<desc>`: the architecture's description and a summary of what is drawn.
    public let summary: String
    public let width: Double
    public let height: Double
    public let nodes: [DiagramNode]
    public let containers: [DiagramContainer]
    public let edges: [DiagramEdge]
    public let texts: [DiagramText]
    public let badges: [DiagramBadge]
    public let findings: [DiagramFinding]
    public let legend: [LegendItem]
    /// The box of the title block (owner `title` of architecture-wide badges).
    public let titleRect: Rect
    public let legendRect: Rect
    public let findingsRect: Rect?
    /// Legend sample glyph boxes, one per legend item, in `legend` order.
    public let legendSamples: [Rect]
    /// Finding badge glyphs in the findings panel, one per finding.
    public let panelBadges: [Rect]
}
