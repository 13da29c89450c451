import StrataDiagnostics

/// Writes a laid-out diagram as an accessible, themable SVG.
///
/// The root has `role="img"` and `aria-labelledby` pointing at its `<title>`
/// and `<desc>`; every node, edge and container is a `<g>` with a model-path
/// id and a `<title>` tooltip. Colours live only in the embedded style sheet
/// (light, dark, or both switched by `prefers-color-scheme`), never inline.
public struct SVGRenderer: Sendable {
    public let theme: DiagramTheme

    public init(theme: DiagramTheme = .auto) {
        self.theme = theme
    }

    /// The font stack: DejaVu Sans (whose metrics size the boxes) first, then narrower fallbacks.
    public static let fontFamily = "'DejaVu Sans', 'Bitstream Vera Sans', 'Segoe UI', Helvetica, Arial, sans-serif"

    /// The SVG document of a laid-out diagram.
    public func render(_ d: Diagram) -> String {
        var w = XMLWriter(capacity: 4096 + d.nodes.count * 600 + d.edges.count * 400)
        w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        w.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "version": "1.1", "width": fmt(d.width), "height": fmt(d.height),
                       "viewBox": "0 0 \(fmt(d.width)) \(fmt(d.height))", "role": "img",
                       "aria-labelledby": "diagram-title diagram-desc", "class": "strata-diagram"])
        w.element("title", ["id": "diagram-title"], text: d.title)
        w.element("desc", ["id": "diagram-desc"], text: d.summary)
        w.open("style", ["type": "text/css"])
        w.textLines(styleSheet())
        w.close("style")
        writeDefs(&w, d)
        w.empty("rect", ["class": "canvas", "x": "0", "y": "0", "width": fmt(d.width), "height": fmt(d.height)])

        // Texts by owner, as indices (hashing each owner once per text, copying no text).
        var textsByOwner: [String: [Int]] = [:]
        for i in d.texts.indices { textsByOwner[d.texts[i].owner, default: []].append(i) }
        func texts(of owner: String) -> [DiagramText] { (textsByOwner[owner] ?? []).map { d.texts[$0] } }

        // Title block.
        w.open("g", ["id": "title", "class": "heading"])
        for t in texts(of: "title") where t.role != .badge { text(&w, t) }
        w.close("g")

        w.open("g", ["id": "containers"])
        for c in d.containers { container(&w, c, texts(of: c.id)) }
        w.close("g")

        w.open("g", ["id": "edges"])
        for i in d.edges.indices { edge(&w, d.edges[i]) }
        w.close("g")

        w.open("g", ["id": "nodes"])
        for i in d.nodes.indices {
            let n = d.nodes[i]
            node(&w, n, texts(of: n.id).filter { $0.role != .badge })
        }
        w.close("g")

        if !d.badges.isEmpty {
            w.open("g", ["id": "badges"])
            for b in d.badges {
                let f = d.findings[b.number - 1]
                w.open("g", ["id": "finding-\(b.number)", "class": "badge \(b.severity.rawValue)"])
                w.element("title", text: "\(b.number). \(f.rule) (\(f.severity.rawValue)) on \(f.subject): \(f.message)")
                badgeGlyph(&w, b.severity, b.rect)
                text(&w, b.label)
                w.close("g")
            }
            w.close("g")
        }

        if !d.legend.isEmpty { legend(&w, d, texts(of: "legend")) }
        if let panel = d.findingsRect {
            w.open("g", ["id": "findings", "class": "findings"])
            w.element("title", text: "Findings of the checker, numbered as the badges on the diagram")
            w.empty("rect", ["class": "panel", "x": fmt(panel.x), "y": fmt(panel.y), "width": fmt(panel.width), "height": fmt(panel.height), "rx": "6"])
            for (i, f) in d.findings.enumerated() where i < d.panelBadges.count { badgeGlyph(&w, f.severity, d.panelBadges[i]) }
            for t in texts(of: "findings") { text(&w, t) }
            w.close("g")
        }
        w.close("svg")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    // MARK: Style

    /// The style sheet: geometry-independent classes, coloured per scheme.
    func styleSheet() -> [String] {
        var lines = [
            ".strata-diagram text { font-family: \(SVGRenderer.fontFamily); }",
            ".t-title { font-size: 18px; font-weight: bold; }",
            ".t-subtitle { font-size: 12px; }",
            ".t-name { font-size: 12px; font-weight: bold; }",
            ".t-detail { font-size: 11px; }",
            ".t-label { font-size: 12px; font-weight: bold; }",
            ".t-badge { font-size: 10px; font-weight: bold; text-anchor: middle; }",
            ".t-legend-h, .t-panel-h { font-size: 12px; font-weight: bold; }",
            ".t-legend, .t-panel { font-size: 11px; }",
            ".t-panel-b { font-size: 11px; font-weight: bold; }",
            ".t-tag { font-size: 10px; text-anchor: middle; }",
            ".box { stroke-width: 1.2; }",
            ".container.set > .box { stroke-width: 1.5; stroke-dasharray: 7 4; }",
            ".container.outside > .box { stroke-width: 1.5; stroke-dasharray: 1.5 3; stroke-linecap: round; }",
            ".container.service > .box { stroke-width: 1.2; }",
            ".shape { stroke-width: 1.6; }",
            ".node.stateful-service .shape-inner { fill: none; stroke-width: 1; }",
            ".node.cdn .shape { stroke-dasharray: 5 2.5; }",
            ".node.registry .shape-mark { stroke-width: 3; }",
            ".line { fill: none; stroke-width: 1.4; stroke-linejoin: round; }",
            ".edge.optional .line { stroke-dasharray: 3 3; }",
            ".edge.async .line { stroke-dasharray: 9 4; }",
            ".edge.replication .line { stroke-width: 2.2; stroke-dasharray: 0.1 4.5; stroke-linecap: round; }",
            ".edge.discovery .line { stroke-width: 1.1; stroke-dasharray: 9 3 2 3; }",
            ".tag { stroke-width: 1; }",
            ".glyph { stroke-width: 1; }",
            ".panel { stroke-width: 1; }",
        ]
        switch theme {
        case .auto:
            lines += colorRules(.light, indent: "")
            lines.append("@media (prefers-color-scheme: dark) {")
            lines += colorRules(.dark, indent: "  ")
            lines.append("}")
        case .light: lines += colorRules(.light, indent: "")
        case .dark: lines += colorRules(.dark, indent: "")
        }
        return lines
    }

    /// Colour rules of one scheme.
    func colorRules(_ scheme: ColorScheme, indent: String) -> [String] {
        let c = SchemeColors.of(scheme)
        var r = [
            ".canvas { fill: \(c.canvas); }",
            ".t-title, .t-name, .t-detail, .t-label, .t-legend-h, .t-legend, .t-panel-h, .t-panel, .t-panel-b, .t-tag { fill: \(c.text); }",
            ".t-subtitle { fill: \(c.mutedText); }",
            ".t-badge { fill: \(c.badgeText); }",
            ".box { fill: none; stroke: \(c.containerStroke); }",
            ".tab { fill: \(c.tabFill); stroke: \(c.containerStroke); }",
            ".container.set > .box { fill: \(c.setFill); stroke: \(c.setStroke); }",
            ".container.set > .tab { fill: \(c.setTabFill); stroke: \(c.setStroke); }",
            ".panel { fill: \(c.panelFill); stroke: \(c.panelStroke); }",
            ".tag { fill: \(c.tagFill); }",
        ]
        for k in NodeKind.allCases {
            r.append(".node.\(k.rawValue) .shape { fill: \(c.fill(k)); stroke: \(c.hue(k)); }")
        }
        r.append(".node.stateful-service .shape-inner { stroke: \(c.hue(.statefulService)); }")
        r.append(".node.registry .shape-mark { stroke: \(c.hue(.registry)); }")
        for s in EdgeStyle.allCases {
            r.append(".edge.\(s.rawValue) .line, .edge.\(s.rawValue) .tag { stroke: \(c.stroke(s)); }")
            r.append(".marker-\(s.rawValue) { fill: \(s == .async || s == .replication ? c.canvas : c.stroke(s)); stroke: \(c.stroke(s)); }")
        }
        for s in [Severity.error, .warning, .note] {
            r.append(".badge.\(s.rawValue) .glyph, .glyph.\(s.rawValue) { fill: \(c.badgeFill(s)); stroke: \(c.badgeText); }")
        }
        return r.map { indent + $0 }
    }

    // MARK: Parts

    private func writeDefs(_ w: inout XMLWriter, _ d: Diagram) {
        var used = Set<EdgeStyle>()
        for e in d.edges { used.insert(e.style) }
        let styles = EdgeStyle.allCases.filter { used.contains($0) || d.legend.contains(.edge($0)) }
        guard !styles.isEmpty else { return }
        w.open("defs")
        for s in styles {
            switch s {
            case .call, .optional:
                w.open("marker", ["id": "arrow-\(s.rawValue)", "viewBox": "0 0 10 10", "refX": "10", "refY": "5", "markerWidth": "7",
                                  "markerHeight": "7", "markerUnits": "userSpaceOnUse", "orient": "auto"])
                w.empty("path", ["class": "marker-\(s.rawValue)", "d": "M0,1 L10,5 L0,9 Z"])
                w.close("marker")
            case .async:
                w.open("marker", ["id": "arrow-async", "viewBox": "0 0 10 10", "refX": "9", "refY": "5", "markerWidth": "8",
                                  "markerHeight": "8", "markerUnits": "userSpaceOnUse", "orient": "auto"])
                w.empty("path", ["class": "marker-async", "d": "M1,1 L9,5 L1,9", "stroke-width": "1.5"])
                w.close("marker")
            case .replication:
                w.open("marker", ["id": "arrow-replication", "viewBox": "0 0 12 12", "refX": "11", "refY": "6", "markerWidth": "9",
                                  "markerHeight": "9", "markerUnits": "userSpaceOnUse", "orient": "auto"])
                w.empty("path", ["class": "marker-replication", "d": "M1,6 L6,2 L11,6 L6,10 Z", "stroke-width": "1.3"])
                w.close("marker")
            case .discovery:
                w.open("marker", ["id": "arrow-discovery", "viewBox": "0 0 10 10", "refX": "8.5", "refY": "5", "markerWidth": "6",
                                  "markerHeight": "6", "markerUnits": "userSpaceOnUse", "orient": "auto"])
                w.empty("circle", ["class": "marker-discovery", "cx": "5", "cy": "5", "r": "3.5"])
                w.close("marker")
            }
        }
        w.close("defs")
    }

    private func text(_ w: inout XMLWriter, _ t: DiagramText) {
        let cls: String
        switch t.role {
        case .title: cls = "t-title"
        case .subtitle: cls = "t-subtitle"
        case .nodeName: cls = "t-name"
        case .nodeDetail: cls = "t-detail"
        case .containerLabel: cls = "t-label"
        case .badge: cls = "t-badge"
        case .legendHeading: cls = "t-legend-h"
        case .legend: cls = "t-legend"
        case .panelHeading: cls = "t-panel-h"
        case .panel: cls = t.bold ? "t-panel-b" : "t-panel"
        case .tag: cls = "t-tag"
        }
        w.element("text", ["class": cls, "x": fmt(t.baseline.x), "y": fmt(t.baseline.y)], text: t.text)
    }

    private func container(_ w: inout XMLWriter, _ c: DiagramContainer, _ texts: [DiagramText]) {
        let r = c.rect
        w.open("g", ["id": c.id, "class": "container \(c.kind.rawValue)"])
        w.element("title", text: c.tooltip)
        w.empty("rect", ["class": "box", "x": fmt(r.x), "y": fmt(r.y), "width": fmt(r.width), "height": fmt(r.height), "rx": "6"])
        let t = c.labelBand
        // A tab with a rounded top-left corner matching the box.
        w.empty("path", ["class": "tab", "d": "M\(fmt(t.x)),\(fmt(t.maxY)) V\(fmt(t.y + 6)) Q\(fmt(t.x)),\(fmt(t.y)) \(fmt(t.x + 6)),\(fmt(t.y)) H\(fmt(t.maxX)) V\(fmt(t.maxY)) Z"])
        for x in texts where x.role == .containerLabel { text(&w, x) }
        w.close("g")
    }

    private func edge(_ w: inout XMLWriter, _ e: DiagramEdge) {
        w.open("g", ["id": e.id, "class": "edge \(e.style.rawValue)"])
        w.element("title", text: e.tooltip)
        w.polyline(e.points, cssClass: "line", marker: "arrow-\(e.style.rawValue)")
        if let tag = e.tag, let r = e.tagRect {
            w.empty("rect", ["class": "tag", "x": fmt(r.x), "y": fmt(r.y), "width": fmt(r.width), "height": fmt(r.height), "rx": "7"])
            text(&w, tag)
        }
        w.close("g")
    }

    private func node(_ w: inout XMLWriter, _ n: DiagramNode, _ texts: [DiagramText]) {
        w.open("g", ["id": n.id, "class": "node \(n.kind.rawValue)"])
        w.element("title", text: n.tooltip)
        shape(&w, n.kind, n.rect)
        for t in texts { text(&w, t) }
        w.close("g")
    }

    /// The outline of a node kind inside `r`.
    func shape(_ w: inout XMLWriter, _ kind: NodeKind, _ r: Rect) {
        let (x, y, x1, y1) = (r.x, r.y, r.maxX, r.maxY)
        switch kind {
        case .gateway:
            let c = min(10, r.height / 2)
            w.empty("path", ["class": "shape", "d": "M\(fmt(x + c)),\(fmt(y)) H\(fmt(x1 - c)) L\(fmt(x1)),\(fmt(r.midY)) L\(fmt(x1 - c)),\(fmt(y1)) H\(fmt(x + c)) L\(fmt(x)),\(fmt(r.midY)) Z"])
        case .store:
            let ry = SVGRenderer.cylinderRim(r), rx = r.width / 2
            w.empty("path", ["class": "shape", "d": "M\(fmt(x)),\(fmt(y + ry)) A\(fmt(rx)),\(fmt(ry)) 0 0 1 \(fmt(x1)),\(fmt(y + ry)) V\(fmt(y1 - ry)) A\(fmt(rx)),\(fmt(ry)) 0 0 1 \(fmt(x)),\(fmt(y1 - ry)) Z"])
            w.empty("path", ["class": "shape", "d": "M\(fmt(x)),\(fmt(y + ry)) A\(fmt(rx)),\(fmt(ry)) 0 0 0 \(fmt(x1)),\(fmt(y + ry))"])
        case .clients:
            w.empty("rect", ["class": "shape", "x": fmt(x), "y": fmt(y), "width": fmt(r.width), "height": fmt(r.height), "rx": fmt(r.height / 2)])
        case .cdn:
            w.empty("rect", ["class": "shape", "x": fmt(x), "y": fmt(y), "width": fmt(r.width), "height": fmt(r.height), "rx": "12"])
        case .registry:
            w.empty("rect", ["class": "shape", "x": fmt(x), "y": fmt(y), "width": fmt(r.width), "height": fmt(r.height), "rx": "1"])
            w.empty("path", ["class": "shape-mark", "d": "M\(fmt(x + 3)),\(fmt(y + 4)) V\(fmt(y1 - 4))"])
        case .statefulService:
            w.empty("rect", ["class": "shape", "x": fmt(x), "y": fmt(y), "width": fmt(r.width), "height": fmt(r.height), "rx": "6"])
            w.empty("rect", ["class": "shape-inner", "x": fmt(x + 3), "y": fmt(y + 3), "width": fmt(r.width - 6), "height": fmt(r.height - 6), "rx": "4"])
        case .service:
            w.empty("rect", ["class": "shape", "x": fmt(x), "y": fmt(y), "width": fmt(r.width), "height": fmt(r.height), "rx": "6"])
        case .endpoint:
            w.empty("rect", ["class": "shape", "x": fmt(x), "y": fmt(y), "width": fmt(r.width), "height": fmt(r.height), "rx": "3"])
        }
    }

    /// Half the height of a store cylinder's rim ellipse.
    static func cylinderRim(_ r: Rect) -> Double { min(6, r.height / 5) }

    /// A finding badge: octagon (error), rounded square (warning), circle (note).
    func badgeGlyph(_ w: inout XMLWriter, _ severity: Severity, _ r: Rect) {
        let cls = "glyph \(severity.rawValue)"
        switch severity {
        case .error:
            let c = r.width * 0.29
            w.empty("path", ["class": cls, "d": "M\(fmt(r.x + c)),\(fmt(r.y)) H\(fmt(r.maxX - c)) L\(fmt(r.maxX)),\(fmt(r.y + c)) V\(fmt(r.maxY - c)) L\(fmt(r.maxX - c)),\(fmt(r.maxY)) H\(fmt(r.x + c)) L\(fmt(r.x)),\(fmt(r.maxY - c)) V\(fmt(r.y + c)) Z"])
        case .warning:
            w.empty("rect", ["class": cls, "x": fmt(r.x), "y": fmt(r.y), "width": fmt(r.width), "height": fmt(r.height), "rx": "3"])
        case .note:
            w.empty("circle", ["class": cls, "cx": fmt(r.midX), "cy": fmt(r.midY), "r": fmt(r.width / 2)])
        }
    }

    private func legend(_ w: inout XMLWriter, _ d: Diagram, _ texts: [DiagramText]) {
        let r = d.legendRect
        w.open("g", ["id": "legend", "class": "legend"])
        w.element("title", text: "Legend: what each box, line and badge means")
        w.empty("rect", ["class": "panel", "x": fmt(r.x), "y": fmt(r.y), "width": fmt(r.width), "height": fmt(r.height), "rx": "6"])
        for (item, s) in zip(d.legend, d.legendSamples) {
            switch item {
            case .node(let k):
                w.open("g", ["class": "node \(k.rawValue)"])
                shape(&w, k, Rect(x: s.x, y: s.y, width: s.width, height: s.height))
                w.close("g")
            case .container(let k):
                w.open("g", ["class": "container \(k.rawValue)"])
                w.empty("rect", ["class": "box", "x": fmt(s.x), "y": fmt(s.y), "width": fmt(s.width), "height": fmt(s.height), "rx": "3"])
                w.close("g")
            case .edge(let style):
                w.open("g", ["class": "edge \(style.rawValue)"])
                w.empty("path", ["class": "line", "d": "M\(fmt(s.x)),\(fmt(s.midY)) H\(fmt(s.maxX))", "marker-end": "url(#arrow-\(style.rawValue))"])
                w.close("g")
            case .finding(let severity):
                badgeGlyph(&w, severity, Rect(x: s.x + 7, y: s.y, width: 16, height: 16))
            }
        }
        for t in texts { text(&w, t) }
        w.close("g")
    }
}
