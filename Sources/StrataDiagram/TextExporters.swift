import StrataDiagnostics

/// The containment tree of a laid-out diagram, shared by the text exporters:
/// which container directly holds each node and each container.
struct ContainmentTree {
    /// Indices of top-level containers, and of each container's child containers, in diagram order.
    let roots: [Int]
    let childContainers: [[Int]]
    /// Nodes directly inside each container, and nodes outside every container.
    let nodesIn: [[Int]]
    let looseNodes: [Int]

    init(_ d: Diagram) {
        var index: [String: Int] = [:]
        for (i, c) in d.containers.enumerated() { index[c.id] = i }
        var roots: [Int] = []
        var kids = Array(repeating: [Int](), count: d.containers.count)
        for (i, c) in d.containers.enumerated() {
            if let p = c.parent, let pi = index[p] { kids[pi].append(i) } else { roots.append(i) }
        }
        var nodesIn = Array(repeating: [Int](), count: d.containers.count)
        var loose: [Int] = []
        for (n, node) in d.nodes.enumerated() {
            if let c = node.container, let i = index[c] { nodesIn[i].append(n) } else { loose.append(n) }
        }
        self.roots = roots
        childContainers = kids
        self.nodesIn = nodesIn
        looseNodes = loose
    }
}

/// Exports a diagram's model (the same boxes, containers and edges) as Graphviz DOT.
///
/// Every string is a DOT quoted string in which only `\"`, `\\` and `\n` appear as escapes:
/// control, bidirectional and invisible characters (NUL included) are shown as `\u{1B}`, and
/// labels are cut at 200 characters per line and 2,000 in all (``ShownText``), so that any
/// spec gives a file `dot` accepts.
public struct DOTExporter: Sendable {
    public init() {}

    /// The DOT text: one cluster per container, nested; node shapes and edge styles as in the SVG.
    public func export(_ d: Diagram) -> String {
        let tree = ContainmentTree(d)
        let colors = SchemeColors.light
        var out = "// \(ShownText.line(d.title)) — exported by strata diagram\n"
        out += "digraph \(quote(d.architecture)) {\n"
        out += "  graph [label=\(quote(d.title)), labelloc=t, fontname=\"DejaVu Sans\", compound=true, newrank=true];\n"
        out += "  node [fontname=\"DejaVu Sans\", fontsize=11, style=\"filled\", penwidth=1.4];\n"
        out += "  edge [fontname=\"DejaVu Sans\", fontsize=9];\n"
        func node(_ n: Int, _ indent: String) {
            let node = d.nodes[n]
            let label = ([node.name] + node.details).joined(separator: "\n")
            out += "\(indent)\(quote(node.id)) [label=\(quote(label)), shape=\(shape(node.kind)), fillcolor=\"\(colors.fill(node.kind))\", "
            out += "color=\"\(colors.hue(node.kind))\", tooltip=\(quote(node.tooltip))];\n"
        }
        func cluster(_ c: Int, _ indent: String) {
            let container = d.containers[c]
            out += "\(indent)subgraph \(quote("cluster_" + container.id)) {\n"
            let style = container.kind == .set ? "dashed" : (container.kind == .outside ? "dotted" : "rounded")
            out += "\(indent)  label=\(quote(container.label)); style=\(style); tooltip=\(quote(container.tooltip));\n"
            for k in tree.childContainers[c] { cluster(k, indent + "  ") }
            for n in tree.nodesIn[c] { node(n, indent + "  ") }
            out += "\(indent)}\n"
        }
        for n in tree.looseNodes { node(n, "  ") }
        for c in tree.roots { cluster(c, "  ") }
        for e in d.edges {
            var attrs = ["color=\"\(colors.stroke(e.style))\"", "tooltip=\(quote(e.tooltip))"]
            switch e.style {
            case .call: break
            case .optional: attrs.append("style=dashed")
            case .async: attrs += ["style=dashed", "arrowhead=vee"]
            case .replication: attrs += ["style=dotted", "penwidth=2", "arrowhead=odiamond"]
            case .discovery: attrs += ["style=dashed", "arrowhead=dot", "penwidth=0.8"]
            }
            if let tag = e.tag { attrs.append("taillabel=\(quote(tag.text))") }
            out += "  \(quote(e.source)) -> \(quote(e.target)) [\(attrs.joined(separator: ", "))];\n"
        }
        out += "}\n"
        return out
    }

    private func shape(_ k: NodeKind) -> String {
        switch k {
        case .clients: "oval"
        case .cdn: "box, style=\"filled,rounded,dashed\""
        case .gateway: "hexagon"
        case .service, .endpoint: "box, style=\"filled,rounded\""
        case .statefulService: "box, peripheries=2, style=\"filled,rounded\""
        case .registry: "box"
        case .store: "cylinder"
        }
    }

    /// A DOT string literal of `s` as shown (see ``ShownText/lines(_:keeping:)``): its lines joined by
    /// `\n`, quotes and backslashes escaped, nothing else raw that Graphviz could read otherwise.
    func quote(_ s: String) -> String {
        var out = "\""
        for (number, line) in ShownText.lines(s).enumerated() {
            if number > 0 { out += "\\n" }
            for scalar in line.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Exports a diagram's model as a Mermaid flowchart (subgraphs for containers).
public struct MermaidExporter: Sendable {
    public init() {}

    /// The Mermaid text: a top-down flowchart, one subgraph per container.
    public func export(_ d: Diagram) -> String {
        let tree = ContainmentTree(d)
        var out = "%% \(sanitizeComment(d.title)) — exported by strata diagram\n"
        out += "flowchart TB\n"
        func node(_ n: Int, _ indent: String) {
            let node = d.nodes[n]
            let label = ([node.name] + node.details).map(escape).joined(separator: "<br/>")
            let (open, close) = brackets(node.kind)
            out += "\(indent)\(identifier(node.id))\(open)\"\(label)\"\(close)\n"
        }
        func cluster(_ c: Int, _ indent: String) {
            let container = d.containers[c]
            out += "\(indent)subgraph \(identifier(container.id))[\"\(escape(container.label))\"]\n"
            for k in tree.childContainers[c] { cluster(k, indent + "  ") }
            for n in tree.nodesIn[c] { node(n, indent + "  ") }
            out += "\(indent)end\n"
        }
        for n in tree.looseNodes { node(n, "  ") }
        for c in tree.roots { cluster(c, "  ") }
        for e in d.edges {
            let arrow: String
            switch e.style {
            case .call: arrow = "-->"
            case .optional, .async: arrow = "-.->"
            case .replication: arrow = "==>"
            case .discovery: arrow = "-.-o"
            }
            let label = e.tag.map { "|\"\(escape($0.text))\"|" } ?? ""
            out += "  \(identifier(e.source)) \(arrow)\(label) \(identifier(e.target))\n"
        }
        for k in NodeKind.allCases where d.nodes.contains(where: { $0.kind == k }) {
            let c = SchemeColors.light
            out += "  classDef \(identifier("k." + k.rawValue)) fill:\(c.fill(k)),stroke:\(c.hue(k)),color:\(c.text)\n"
            let members = d.nodes.filter { $0.kind == k }.map { identifier($0.id) }
            out += "  class \(members.joined(separator: ",")) \(identifier("k." + k.rawValue))\n"
        }
        return out
    }

    /// A Mermaid identifier: letters and digits kept, every other character as `_XX_` (its hex code), so distinct ids stay distinct.
    func identifier(_ id: String) -> String {
        var out = ""
        for scalar in id.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "_" + String(scalar.value, radix: 16) + "_"
            }
        }
        return out
    }

    /// Label text: line breaks as spaces, control, bidirectional and invisible characters as `\u{1B}`,
    /// cut at 200 characters (``ShownText``), quotes and markup as Mermaid entity codes.
    func escape(_ s: String) -> String {
        var out = ""
        let oneLine = String(String.UnicodeScalarView(s.unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : $0 }))
        let shown = ShownText.cutting(VisibleText.escaped(oneLine), at: ShownText.maxLineLength)
        for scalar in shown.unicodeScalars {
            switch scalar {
            case "\"": out += "#quot;"
            case "#": out += "#35;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "&": out += "#amp;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private func sanitizeComment(_ s: String) -> String {
        ShownText.line(s)
    }

    private func brackets(_ k: NodeKind) -> (String, String) {
        switch k {
        case .clients: ("([", "])")
        case .gateway: ("{{", "}}")
        case .store: ("[(", ")]")
        case .registry: ("[/", "/]")
        case .cdn: ("(", ")")
        case .service, .statefulService, .endpoint: ("[", "]")
        }
    }
}
