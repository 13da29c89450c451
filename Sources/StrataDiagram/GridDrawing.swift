import Foundation
import StrataDiagnostics

/// Drawing: the measured grid turned into boxes, containers, routed edges, texts and badges,
/// with the legend and the findings panel under the grid or beside it.
extension LayoutWork {
    /// Texts and badges, in drawing order.
    struct Marks {
        var texts: [DiagramText] = []
        var badges: [DiagramBadge] = []
    }

    /// The laid-out diagram on the measured grid `g`.
    func draw(_ g: GridGeometry) -> Diagram {
        var marks = Marks()
        let nodes = drawNodes(g, &marks)
        let containers = drawContainers(g, &marks)
        let edges = drawEdges(g, nodes: nodes)
        let titleRect = drawTitle(g, &marks)

        // Legend and findings panel: under the grid, or beside it when that gives a squarer picture.
        let below = arrangeDecorations(g, titleRect: titleRect, nodes: nodes, edges: edges, beside: false)
        let side = arrangeDecorations(g, titleRect: titleRect, nodes: nodes, edges: edges, beside: true)
        let chosen = side.skew + 0.05 < below.skew ? side : below
        let decorations = chosen.decorations
        marks.texts += chosen.texts

        return Diagram(architecture: scene.architecture, view: scene.view, title: scene.title, summary: scene.summary,
                       width: chosen.width, height: chosen.height, nodes: nodes, containers: containers, edges: edges,
                       texts: marks.texts, badges: marks.badges, findings: showFindings ? scene.findings : [], legend: decorations.items,
                       titleRect: titleRect, legendRect: decorations.legendRect, findingsRect: decorations.panelRect,
                       legendSamples: decorations.samples, panelBadges: decorations.panelBadges)
    }

    /// The legend and findings panel placed under the grid or beside it, and the picture's size.
    struct Arrangement {
        let decorations: Decorations
        let texts: [DiagramText]
        let width: Double
        let height: Double
        /// How far the picture is from 3:2 (0 for exactly 3:2).
        var skew: Double { abs(Foundation.log(width / height / 1.5)) }
    }

    private func arrangeDecorations(_ g: GridGeometry, titleRect: Rect, nodes: [DiagramNode], edges: [DiagramEdge], beside: Bool) -> Arrangement {
        let gridEdge = g.gridRight + Metrics.margin - Metrics.minGap / 2
        var d = Decorations(scene: scene, showFindings: showFindings, nodes: nodes, edges: edges)
        var t: [DiagramText] = []
        let box = beside
            ? d.place(left: gridEdge, top: g.gridTop, width: 480, stacked: true, texts: &t)
            : d.place(left: Metrics.margin, top: g.gridBottom + 12, width: gridEdge - Metrics.margin, stacked: false, texts: &t)
        let w = max(gridEdge, titleRect.maxX + Metrics.margin, box.maxX + Metrics.margin)
        let h = max(g.gridBottom, box.maxY) + Metrics.margin
        return Arrangement(decorations: d, texts: t, width: w.rounded(.up), height: h.rounded(.up))
    }

    /// Nodes, each with the deepest container whose cells include its cell, its text and badges.
    private func drawNodes(_ g: GridGeometry, _ marks: inout Marks) -> [DiagramNode] {
        var coveringSlot: [Int: [Int]] = [:]
        for (i, c) in scene.containers.enumerated() { for s in c.slots { coveringSlot[s, default: []].append(i) } }
        var outNodes: [DiagramNode] = []
        for (index, n) in scene.nodes.enumerated() {
            var inner: Int?
            for c in coveringSlot[n.slot] ?? [] where scene.containers[c].lines.contains(n.line) {
                if inner == nil || depth[c] > depth[inner!] { inner = c }
            }
            // Boxes of a slot share its centre (and so their port grid); in the topology they also share its width.
            let w = scene.uniformWidths ? g.slotWidth[n.slot] : nodeWidth[index]
            let rect = Rect(x: g.slotLeft[n.slot] + (g.slotWidth[n.slot] - w) / 2, y: g.lineTop[n.line], width: w, height: scene.nodeHeight)
            outNodes.append(DiagramNode(id: n.id, kind: n.kind, rect: rect, name: n.name, details: n.details, tooltip: n.tooltip, replicas: n.replicas,
                                        container: inner.map { scene.containers[$0].id }))
            let inset = LayoutWork.inset(n.kind)
            let first = n.kind == .store ? 22.0 : 18.0
            marks.texts.append(DiagramText(n.name, role: .nodeName, size: Metrics.nameSize, bold: true, x: rect.x + inset, baseline: rect.y + first, owner: n.id))
            for (k, d) in n.details.enumerated() {
                marks.texts.append(DiagramText(d, role: .nodeDetail, size: Metrics.detailSize, bold: false, x: rect.x + inset,
                                               baseline: rect.y + first + Metrics.lineStep * Double(k + 1), owner: n.id))
            }
            if showFindings, !n.badges.isEmpty {
                let total = Double(n.badges.count) * (Metrics.badgeSize + Metrics.badgeGap) - Metrics.badgeGap
                var bx = rect.maxX - inset - total
                let by = rect.y + (n.kind == .store ? 6 : 5)
                for number in n.badges {
                    marks.badges.append(badge(number, Rect(x: bx, y: by, width: Metrics.badgeSize, height: Metrics.badgeSize), owner: n.id, texts: &marks.texts))
                    bx += Metrics.badgeSize + Metrics.badgeGap
                }
            }
        }
        return outNodes
    }

    /// Containers around their cells, with their label tabs and badges.
    private func drawContainers(_ g: GridGeometry, _ marks: inout Marks) -> [DiagramContainer] {
        var outContainers: [DiagramContainer] = []
        for (i, c) in scene.containers.enumerated() {
            let x0 = g.slotLeft[c.slots.lowerBound] - g.leftOffset[i]!
            let x1 = g.slotLeft[c.slots.upperBound] + g.slotWidth[c.slots.upperBound] + g.rightOffset[i]!
            let y0 = g.bStart[c.lines.lowerBound] - g.topOffset[i]!
            let y1 = g.closeStart[c.lines.upperBound + 1] + g.bottomOffset[i]!
            let rect = Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            let tab = Rect(x: x0, y: y0, width: tabWidth(c), height: Metrics.headerHeight)
            outContainers.append(DiagramContainer(id: c.id, kind: c.kind, rect: rect, label: c.label, labelBand: tab, tooltip: c.tooltip,
                                                  parent: c.parent.map { scene.containers[$0].id }))
            marks.texts.append(DiagramText(c.label, role: .containerLabel, size: Metrics.labelSize, bold: true, x: x0 + 8, baseline: y0 + 14.5, owner: c.id))
            if showFindings, !c.badges.isEmpty {
                var bx = x0 + 8 + TextMeasure.width(c.label, size: Metrics.labelSize, bold: true) + 6
                for number in c.badges {
                    marks.badges.append(badge(number, Rect(x: bx, y: y0 + 2, width: Metrics.badgeSize, height: Metrics.badgeSize), owner: c.id, texts: &marks.texts))
                    bx += Metrics.badgeSize + Metrics.badgeGap
                }
            }
        }
        return outContainers
    }

    /// Every edge as points: from its source port along its lanes to its target port.
    private func drawEdges(_ g: GridGeometry, nodes: [DiagramNode]) -> [DiagramEdge] {
        let ends = EdgeEnds(work: self, nodes: nodes)
        var outEdges: [DiagramEdge] = []
        for (i, e) in scene.edges.enumerated() {
            let p = plans[i]
            let sx = ends.portX(e.source, sourcePort[i], p.sourceSide), tx = ends.portX(e.target, targetPort[i], p.targetSide)
            var pts = [Point(sx, ends.border(e.source, x: sx, side: p.sourceSide))]
            if p.straight {
                pts.append(Point(sx, ends.border(e.target, x: sx, side: p.targetSide)))
                outEdges.append(DiagramEdge(id: e.id, style: e.style, source: ends.ids[e.source], target: ends.ids[e.target],
                                            points: pts, tooltip: e.tooltip, tag: ends.tag(i, e, sx), tagRect: ends.tagRect(i, sx)))
                continue
            }
            pts.append(Point(sx, g.laneY(p.bands[0], hLane[i][0])))
            for (t, gap) in p.gaps.enumerated() {
                let gx = g.laneX(gap, vLane[i][t])
                pts.append(Point(gx, g.laneY(p.bands[t], hLane[i][t])))
                pts.append(Point(gx, g.laneY(p.bands[t + 1], hLane[i][t + 1])))
            }
            let last = p.bands.count - 1
            pts.append(Point(tx, g.laneY(p.bands[last], hLane[i][last])))
            pts.append(Point(tx, ends.border(e.target, x: tx, side: p.targetSide)))
            outEdges.append(DiagramEdge(id: e.id, style: e.style, source: ends.ids[e.source], target: ends.ids[e.target],
                                        points: LayoutWork.simplify(pts), tooltip: e.tooltip, tag: ends.tag(i, e, sx), tagRect: ends.tagRect(i, sx)))
        }
        return outEdges
    }

    /// The title with its badges and the subtitles; returns the box around them.
    private func drawTitle(_ g: GridGeometry, _ marks: inout Marks) -> Rect {
        marks.texts.append(DiagramText(scene.title, role: .title, size: Metrics.titleSize, bold: true, x: Metrics.margin, baseline: g.titleTop + Metrics.titleSize, owner: "title"))
        if showFindings, !scene.titleBadges.isEmpty {
            var bx = Metrics.margin + TextMeasure.width(scene.title, size: Metrics.titleSize, bold: true) + 8
            for number in scene.titleBadges {
                marks.badges.append(badge(number, Rect(x: bx, y: g.titleTop + 3, width: Metrics.badgeSize, height: Metrics.badgeSize), owner: "title", texts: &marks.texts))
                bx += Metrics.badgeSize + Metrics.badgeGap
            }
        }
        var ty = g.titleTop + Metrics.titleSize * 1.2 + 4
        var subtitleWidth = 0.0
        for line in g.subtitleLines {
            ty += Metrics.subtitleSize + 6
            marks.texts.append(DiagramText(line, role: .subtitle, size: Metrics.subtitleSize, bold: false, x: Metrics.margin, baseline: ty - 4, owner: "title"))
            subtitleWidth = max(subtitleWidth, TextMeasure.width(line, size: Metrics.subtitleSize))
        }
        return Rect(x: Metrics.margin - 4, y: g.titleTop - 4, width: max(g.titleWidth, subtitleWidth) + 8, height: g.titleHeight + 6)
    }

    /// A badge and its number text.
    private func badge(_ number: Int, _ rect: Rect, owner: String, texts: inout [DiagramText]) -> DiagramBadge {
        let severity = scene.findings[number - 1].severity
        let label = DiagramText(String(number), role: .badge, size: 10, bold: true, x: rect.midX, baseline: rect.y + 11.8, centered: true, owner: owner)
        texts.append(label)
        return DiagramBadge(number: number, severity: severity, rect: rect, owner: owner, label: label)
    }

    /// Drops repeated points and merges collinear runs.
    static func simplify(_ pts: [Point]) -> [Point] {
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

/// Where edges meet the drawn boxes: port positions, outlines and cost tags
/// (the boxes' geometry read once, without copying their strings).
private struct EdgeEnds {
    let work: LayoutWork
    let rects: [Rect]
    let isStore: [Bool]
    let ids: [String]

    init(work: LayoutWork, nodes: [DiagramNode]) {
        self.work = work
        rects = nodes.map(\.rect)
        isStore = nodes.map { $0.kind == .store }
        ids = nodes.map(\.id)
    }

    /// The x of port `p` on one side of a node.
    func portX(_ node: Int, _ p: Int, _ side: GridLayout.Side) -> Double {
        let r = rects[node]
        let s = side == .top ? work.spacing[node].top : work.spacing[node].bottom
        return r.midX + Double(p) * s + (side == .top ? Metrics.portSpacing / 2 : 0)
    }

    /// Where a vertical line at `x` meets a node's outline on one side: the box edge, or a cylinder's rim.
    func border(_ node: Int, x: Double, side: GridLayout.Side) -> Double {
        let r = rects[node]
        guard isStore[node] else { return side == .top ? r.minY : r.maxY }
        let ry = SVGRenderer.cylinderRim(r), rx = r.width / 2
        let u = min(1, abs(x - r.midX) / rx)
        let lift = ry * (1 - (1 - u * u).squareRoot())
        // Rounded to the tenth the SVG keeps, inwards, so the line reaches the outline.
        return side == .top ? ((r.minY + lift) * 10).rounded(.up) / 10 : ((r.maxY - lift) * 10).rounded(.down) / 10
    }

    /// The pill of edge `i`'s cost tag, centred on its source port at `sx`.
    func tagRect(_ i: Int, _ sx: Double) -> Rect? {
        guard work.scene.edges[i].tag != nil else { return nil }
        let sr = rects[work.ends[i].source]
        let ty = work.plans[i].sourceSide == .bottom ? sr.maxY + 2 : sr.minY - 2 - Metrics.tagHeight
        return Rect(x: sx - work.tagWidth[i] / 2, y: ty, width: work.tagWidth[i], height: Metrics.tagHeight)
    }

    /// The text of edge `i`'s cost tag.
    func tag(_ i: Int, _ e: SceneEdge, _ sx: Double) -> DiagramText? {
        guard let text = e.tag, let r = tagRect(i, sx) else { return nil }
        return DiagramText(text, role: .tag, size: Metrics.tagSize, bold: false, x: sx, baseline: r.y + 10.5, centered: true, owner: e.id)
    }
}
