import StrataDiagnostics

/// The legend and the findings panel, laid out under the grid.
struct Decorations {
    let scene: Scene
    let showFindings: Bool
    let nodes: [DiagramNode]
    let edges: [DiagramEdge]

    private(set) var items: [LegendItem] = []
    private(set) var samples: [Rect] = []
    private(set) var legendRect = Rect(x: 0, y: 0, width: 0, height: 0)
    private(set) var panelRect: Rect?
    private(set) var panelBadges: [Rect] = []

    static let rowHeight = 20.0
    static let rowsPerColumn = 6
    static let sampleWidth = 30.0
    static let padding = 10.0

    init(scene: Scene, showFindings: Bool, nodes: [DiagramNode], edges: [DiagramEdge]) {
        self.scene = scene
        self.showFindings = showFindings
        self.nodes = nodes
        self.edges = edges
        let kinds = Set(nodes.map(\.kind)), styles = Set(edges.map(\.style))
        items = NodeKind.allCases.filter(kinds.contains).map(LegendItem.node)
            + scene.legendContainers.map(LegendItem.container)
            + EdgeStyle.allCases.filter(styles.contains).map(LegendItem.edge)
        if showFindings {
            let severities = Set(scene.findings.map(\.severity))
            items += [Severity.error, .warning, .note].filter(severities.contains).map(LegendItem.finding)
        }
    }

    /// How the legend describes an item.
    static func text(_ item: LegendItem) -> String {
        switch item {
        case .node(let k): k.legendText
        case .edge(let s): s.legendText
        case .container(let k):
            switch k {
            case .set: "set: a striped copy of the logic layer (dashed)"
            case .service: "service and its endpoints"
            case .outside: "outside the set's domain (dotted)"
            default: k.rawValue
            }
        case .finding(let s): "\(s.rawValue) finding, numbered as in Findings"
        }
    }

    /// Places the legend at (`left`, `top`) and the findings panel beside it when `width` allows
    /// (under it when narrow or `stacked`); returns the box covering both.
    mutating func place(left x0: Double, top: Double, width available: Double, stacked: Bool, texts: inout [DiagramText]) -> Rect {
        let pad = Decorations.padding
        // Nothing drawn, nothing to explain: no legend (an empty rectangle at the corner).
        guard !items.isEmpty else {
            legendRect = Rect(x: x0, y: top, width: 0, height: 0)
            return legendRect
        }
        texts.append(DiagramText("Legend", role: .legendHeading, size: 12, bold: true, x: x0 + pad, baseline: top + pad + 12, owner: "legend"))
        var columnX = x0 + pad
        var maxY = top + pad + 18
        var widest = TextMeasure.width("Legend", size: 12, bold: true)
        var k = 0
        while k < items.count {
            let column = items[k..<min(k + Decorations.rowsPerColumn, items.count)]
            var textWidth = 0.0
            for (row, item) in column.enumerated() {
                let y = top + pad + 22 + Double(row) * Decorations.rowHeight
                samples.append(Rect(x: columnX, y: y + 1, width: Decorations.sampleWidth, height: 16))
                let text = Decorations.text(item)
                texts.append(DiagramText(text, role: .legend, size: Metrics.legendSize, bold: false, x: columnX + Decorations.sampleWidth + 8,
                                         baseline: y + 13, owner: "legend"))
                textWidth = max(textWidth, TextMeasure.width(text, size: Metrics.legendSize))
                maxY = max(maxY, y + Decorations.rowHeight)
            }
            let columnWidth = Decorations.sampleWidth + 8 + textWidth
            widest = max(widest, columnX + columnWidth - (x0 + pad))
            columnX += columnWidth + 24
            k += Decorations.rowsPerColumn
        }
        legendRect = Rect(x: x0, y: top, width: widest + 2 * pad, height: maxY - top + pad)

        guard showFindings, !scene.findings.isEmpty else { return legendRect }
        let beside = available - legendRect.width - 20
        let px: Double, py: Double, pw: Double
        if !stacked && beside >= 380 {
            (px, py, pw) = (legendRect.maxX + 20, top, min(beside, 960))
        } else {
            (px, py, pw) = (x0, legendRect.maxY + 16, min(max(available, legendRect.width, 380), 960))
        }
        let count = scene.findings.count
        texts.append(DiagramText("Findings (\(count))", role: .panelHeading, size: 12, bold: true, x: px + pad, baseline: py + pad + 12, owner: "findings"))
        var y = py + pad + 22
        let textX = px + pad + Metrics.badgeSize + 8
        let measure = pw - (textX - px) - pad
        for f in scene.findings {
            let glyph = Rect(x: px + pad, y: y + 1, width: Metrics.badgeSize, height: Metrics.badgeSize)
            panelBadges.append(glyph)
            texts.append(DiagramText(String(f.number), role: .badge, size: 10, bold: true, x: glyph.midX, baseline: glyph.y + 11.8, centered: true, owner: "findings"))
            let head = "\(f.rule) · \(f.severity.rawValue) · \(f.subject)"
            for line in TextMeasure.wrap(head, size: Metrics.legendSize, bold: true, maxWidth: measure) {
                texts.append(DiagramText(line, role: .panel, size: Metrics.legendSize, bold: true, x: textX, baseline: y + 13, owner: "findings"))
                y += 15
            }
            for line in TextMeasure.wrap(f.message, size: Metrics.legendSize, maxWidth: measure) {
                texts.append(DiagramText(line, role: .panel, size: Metrics.legendSize, bold: false, x: textX, baseline: y + 13, owner: "findings"))
                y += 15
            }
            y = max(y, glyph.maxY) + 6
        }
        let panel = Rect(x: px, y: py, width: pw, height: y - py + pad - 6)
        panelRect = panel
        return legendRect.union(panel)
    }
}
