import Foundation
import Testing
import StrataDiagnostics
@testable import StrataDiagram
import StrataModel
import StrataTestSupport

/// The 14 quality criteria of docs/diagrams.md, each checked on every view of every
/// spec in specs/ and specs/flawed/ — geometry from the layout model, XML by parsing.
@Suite struct CriteriaTests {
    /// Checker rules whose messages depend on declaration order (reported to their owners): the only
    /// difference criterion 8 tolerates is in their text.
    static let orderDependentRules: [String: String] = [:]

    @Test func theSpecsAreThere() throws {
        let specPaths = try specListing.get()
        #expect(specPaths.count >= 5)
        #expect(specPaths.contains { $0.hasSuffix("/specs/shop.strata") })
        #expect(drawing.failures == [], "views that could not be drawn")
        let drawnSpecs = Set(renderedViews.map(\.spec))
        for path in specPaths where check(path: path) != nil {
            #expect(drawnSpecs.contains(specName(path)), "\(specName(path)) was not drawn")
        }
    }

    // 1. Well-formed XML (xmllint --noout), unique ids, no external references.
    @Test func c01WellFormedUniqueIdsNoExternalReferences() throws {
        let dir = temporaryDirectory("xml")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [String] = []
        for (i, r) in renderedViews.enumerated() {
            guard case .success(let root) = StrictXMLParser.parse(r.svg) else {
                Issue.record("\(r): XMLParser rejects the SVG")
                continue
            }
            var ids = Set<String>()
            for e in [root] + root.descendants {
                if let id = e.attributes["id"] {
                    #expect(ids.insert(id).inserted, "\(r): duplicate id \(id)")
                }
                for (name, value) in e.attributes {
                    if name.hasSuffix("href") { #expect(value.hasPrefix("#"), "\(r): external reference \(name)=\(value)") }
                    if value.contains("url(") { #expect(!value.contains("url(") || value.hasPrefix("url(#"), "\(r): \(name)=\(value)") }
                    if name != "xmlns" { #expect(!value.contains("://"), "\(r): \(name)=\(value) refers outside the file") }
                }
                if e.name == "style" {
                    #expect(!e.text.contains("@import") && !e.text.contains("url("), "\(r): the style sheet loads something")
                }
                #expect(!["image", "script", "foreignObject", "use"].contains(e.name), "\(r): <\(e.name)> element")
            }
            let file = dir + "/\(i).svg"
            try r.svg.write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        let lint = try run(ExternalTool.require("xmllint", package: "libxml2-utils"), ["--noout"] + files)
        #expect(lint.status == 0, "xmllint: \(lint.output)")
    }

    // 2. Root role="img" with aria-labelledby → non-empty <title> and <desc>.
    @Test func c02AccessibleRoot() throws {
        for r in renderedViews {
            guard case .success(let root) = StrictXMLParser.parse(r.svg) else { Issue.record("\(r): not XML"); continue }
            #expect(root.name == "svg")
            #expect(root.attributes["role"] == "img", "\(r)")
            let ids = (root.attributes["aria-labelledby"] ?? "").split(separator: " ").map(String.init)
            #expect(ids.count == 2, "\(r): aria-labelledby \(ids)")
            let byID = Dictionary(root.children.compactMap { e in e.attributes["id"].map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
            let named = ids.compactMap { byID[$0] }
            #expect(named.map(\.name).sorted() == ["desc", "title"], "\(r): aria-labelledby must name the root's <title> and <desc>")
            for e in named { #expect(!e.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(r): empty <\(e.name)>") }
        }
    }

    // 3. Every node and edge group has a <title> (tooltip) and an id derived from its model path, never a counter.
    @Test func c03TooltipsAndModelPathIds() throws {
        let pathPattern = /^(n\.(clients|cdn|(gateway|service|registry|store)\.[a-z0-9-]+\.(in\.[a-z0-9-]+(\.set\.[a-z0-9-]+)?|outside)|gateway\.[a-z0-9-]+|endpoint\.[a-z0-9-]+\.[a-z0-9-]+|store\.[a-z0-9-]+))$/
        for r in renderedViews {
            guard case .success(let root) = StrictXMLParser.parse(r.svg) else { Issue.record("\(r): not XML"); continue }
            let groups = root.descendants.filter { $0.name == "g" && (($0.attributes["class"] ?? "").hasPrefix("node ") || ($0.attributes["class"] ?? "").hasPrefix("edge ")) && $0.attributes["id"] != nil }
            #expect(groups.count == r.diagram.nodes.count + r.diagram.edges.count, "\(r): \(groups.count) groups")
            for g in groups {
                let title = g.children.first
                #expect(title?.name == "title" && !(title?.text.isEmpty ?? true), "\(r): \(g.attributes["id"]!) has no tooltip")
            }
            let nodeIDs = Set(r.diagram.nodes.map(\.id))
            for n in r.diagram.nodes {
                #expect(n.id.wholeMatch(of: pathPattern) != nil, "\(r): node id \(n.id) is not a model path")
            }
            for e in r.diagram.edges {
                // An edge id names its style and its two nodes' model paths (calls view: the step's path in its endpoint).
                let derived = e.id.hasPrefix("e.\(e.style.rawValue).\(e.source)_\(e.target)")
                    || e.id.wholeMatch(of: /^e\.(route|call|read|write)\.[a-z0-9-]+(_[a-z0-9-]+\.[a-z0-9-]+|\.[a-z0-9-]+\.s[0-9]+(\.[0-9]+)*)$/) != nil
                #expect(derived, "\(r): edge id \(e.id) is not derived from the model")
                #expect(nodeIDs.contains(e.source) && nodeIDs.contains(e.target))
            }
            for c in r.diagram.containers {
                #expect(c.id.wholeMatch(of: /^c\.(region|city|idc|rack|machine|set|service)\.[a-z0-9-]+(\.in-set|\.shared)?$|^c\.outside$/) != nil, "\(r): container id \(c.id)")
            }
        }
    }

    // 4. No two node boxes intersect (gap ≥ 8px); nodes inside their containers with padding; siblings never intersect.
    @Test func c04BoxesApartAndNested() {
        for r in renderedViews {
            let d = r.diagram
            let sorted = d.nodes.sorted { $0.rect.minX < $1.rect.minX }
            for (i, a) in sorted.enumerated() {
                var j = i + 1
                while j < sorted.count && sorted[j].rect.minX < a.rect.maxX + 8 {
                    let b = sorted[j]
                    #expect(!a.rect.insetBy(-4).intersects(b.rect.insetBy(-4)), "\(r): \(a.id) and \(b.id) are closer than 8px")
                    j += 1
                }
            }
            let containers = Dictionary(uniqueKeysWithValues: d.containers.map { ($0.id, $0) })
            for n in d.nodes {
                guard let cid = n.container else { continue }
                let c = containers[cid]!
                #expect(c.rect.contains(n.rect.insetBy(-8)), "\(r): \(n.id) is not inside \(cid) with 8px padding")
                #expect(n.rect.minY >= c.labelBand.maxY + 4, "\(r): \(n.id) reaches into the label of \(cid)")
                // Every enclosing container, not only the innermost.
                var p = c.parent
                while let pid = p, let pc = containers[pid] {
                    #expect(pc.rect.contains(n.rect.insetBy(-8)), "\(r): \(n.id) is not inside \(pid)")
                    p = pc.parent
                }
            }
            var byParent: [String: [DiagramContainer]] = [:]
            for c in d.containers {
                byParent[c.parent ?? "", default: []].append(c)
                if let p = c.parent, let pc = containers[p] {
                    #expect(pc.rect.contains(c.rect.insetBy(-6)), "\(r): \(c.id) is not inside \(p) with padding")
                    #expect(c.rect.minY >= pc.labelBand.maxY, "\(r): \(c.id) overlaps the label of \(p)")
                }
            }
            for (_, siblings) in byParent {
                for i in siblings.indices {
                    for j in siblings.indices where j > i {
                        #expect(!siblings[i].rect.intersects(siblings[j].rect), "\(r): containers \(siblings[i].id) and \(siblings[j].id) intersect")
                    }
                }
            }
        }
    }

    // 5. Every label inside its box (font metrics); no two labels overlap.
    @Test func c05LabelsFitAndDoNotOverlap() {
        for r in renderedViews {
            let d = r.diagram
            var boxes: [String: Rect] = ["title": d.titleRect, "legend": d.legendRect]
            if let f = d.findingsRect { boxes["findings"] = f }
            for n in d.nodes { boxes[n.id] = n.rect }
            for c in d.containers { boxes[c.id] = c.labelBand }
            for e in d.edges { if let t = e.tagRect { boxes[e.id] = t } }
            let badgeLabels = Set(d.badges.map(\.label))
            for t in d.texts {
                if badgeLabels.contains(t) {
                    let b = d.badges.first { $0.label == t }!
                    #expect(b.rect.contains(Rect(x: t.rect.midX - 0.5, y: b.rect.midY - 0.5, width: 1, height: 1)))
                    #expect(t.rect.width <= b.rect.width, "\(r): badge \(t.text) wider than its badge")
                    continue
                }
                if t.role == .badge && t.owner == "findings" { continue }  // panel badge numbers: checked below
                guard let box = boxes[t.owner] else { Issue.record("\(r): text '\(t.text)' has no owner box \(t.owner)"); continue }
                #expect(box.contains(t.rect), "\(r): '\(t.text)' \(t.rect) is outside its box \(t.owner) \(box)")
            }
            for (f, glyph) in zip(d.findings, d.panelBadges) {
                let number = d.texts.first { $0.owner == "findings" && $0.role == .badge && $0.text == String(f.number) }
                #expect(number.map { $0.rect.width <= glyph.width && glyph.contains(Rect(x: $0.baseline.x, y: glyph.midY, width: 0, height: 0)) } ?? false)
            }
            // Overlaps: badges count as labels (their glyph), texts by their measured boxes.
            var labels: [(rect: Rect, name: String)] = d.texts.filter { !badgeLabels.contains($0) }.map { ($0.rect, $0.text) }
            labels += d.badges.map { ($0.rect, "badge \($0.number)") }
            labels += d.panelBadges.enumerated().map { ($0.element, "panel badge \($0.offset + 1)") }
            labels.removeAll { l in d.texts.contains { $0.owner == "findings" && $0.role == .badge && $0.rect == l.rect } }
            labels.sort { $0.rect.minX < $1.rect.minX }
            for i in labels.indices {
                var j = i + 1
                while j < labels.count && labels[j].rect.minX < labels[i].rect.maxX {
                    #expect(!labels[i].rect.intersects(labels[j].rect), "\(r): labels '\(labels[i].name)' and '\(labels[j].name)' overlap")
                    j += 1
                }
            }
        }
    }

    // 6. No edge crosses a node other than its endpoints, nor a container label band.
    @Test func c06EdgesAvoidNodesAndLabels() {
        for r in renderedViews {
            let d = r.diagram
            var obstacles: [(rect: Rect, id: String)] = d.nodes.map { ($0.rect, $0.id) }
            obstacles += d.containers.map { ($0.labelBand, $0.id + " label") }
            obstacles += [(d.titleRect, "title"), (d.legendRect, "legend")]
            if let f = d.findingsRect { obstacles.append((f, "findings")) }
            let grid = SpatialIndex(obstacles.map(\.rect), cell: 200)
            for e in d.edges {
                for s in e.segments {
                    for k in grid.candidates(for: s) {
                        let o = obstacles[k]
                        if o.id == e.source || o.id == e.target { continue }
                        #expect(!s.crosses(o.rect), "\(r): edge \(e.id) crosses \(o.id)")
                    }
                }
                // The ends touch their own nodes' borders.
                let src = d.nodes.first { $0.id == e.source }!.rect, dst = d.nodes.first { $0.id == e.target }!.rect
                #expect(e.points.first.map { src.insetBy(-0.5).contains(Rect(x: $0.x, y: $0.y, width: 0, height: 0)) } ?? false, "\(r): \(e.id) does not start at its source")
                #expect(e.points.last.map { dst.insetBy(-0.5).contains(Rect(x: $0.x, y: $0.y, width: 0, height: 0)) } ?? false, "\(r): \(e.id) does not end at its target")
            }
        }
    }

    // 7. Edge segments horizontal or vertical; no two edges share a collinear stretch longer than 4px.
    @Test func c07OrthogonalAndOneLanePerEdge() {
        for r in renderedViews {
            var horizontal: [Double: [(lo: Double, hi: Double, edge: Int)]] = [:]
            var vertical: [Double: [(lo: Double, hi: Double, edge: Int)]] = [:]
            for (i, e) in r.diagram.edges.enumerated() {
                #expect(e.points.count >= 2, "\(r): \(e.id) has no segment")
                for s in e.segments {
                    #expect(s.isHorizontal || s.isVertical, "\(r): \(e.id) has a diagonal segment")
                    if s.isHorizontal && !s.isVertical {
                        horizontal[s.from.y, default: []].append((min(s.from.x, s.to.x), max(s.from.x, s.to.x), i))
                    } else if s.isVertical && !s.isHorizontal {
                        vertical[s.from.x, default: []].append((min(s.from.y, s.to.y), max(s.from.y, s.to.y), i))
                    }
                }
            }
            for (name, table) in [("horizontal", horizontal), ("vertical", vertical)] {
                for (coordinate, runs) in table {
                    let sorted = runs.sorted { ($0.lo, $0.hi) < ($1.lo, $1.hi) }
                    var reach: (hi: Double, edge: Int)? = nil
                    for run in sorted {
                        if let r0 = reach, r0.edge != run.edge {
                            let shared = min(r0.hi, run.hi) - run.lo
                            #expect(shared <= 4, "\(r): \(r.diagram.edges[r0.edge].id) and \(r.diagram.edges[run.edge].id) share \(shared)px of a \(name) line at \(coordinate)")
                        }
                        if reach == nil || run.hi > reach!.hi { reach = (run.hi, run.edge) }
                    }
                }
            }
        }
    }

    // 8. Byte-identical output for the same model, and for the same model with declarations reordered.
    @Test func c08Deterministic() throws {
        for path in specPaths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), let a = check(path: path) else { continue }
            let reorderedText = reorderDeclarations(text)
            #expect(reorderedText != text || !text.contains("service "), "\(specName(path)): reordering changed nothing")
            guard let b = check(text: reorderedText, path: path) else {
                Issue.record("\(specName(path)): the reordered spec does not compile")
                continue
            }
            for options in views(of: a.architecture) {
                let first = SVGRenderer().render(try DiagramBuilder.build(a.architecture, findings: a.findings, options: options))
                let again = SVGRenderer().render(try DiagramBuilder.build(a.architecture, findings: a.findings, options: options))
                #expect(first == again, "\(specName(path)) \(options.view): two renders differ")
                let reordered = SVGRenderer().render(try DiagramBuilder.build(b.architecture, findings: b.findings, options: options))
                if first != reordered {
                    // Tolerated only when the difference is the text of a finding whose rule words it by declaration order.
                    let keep = { (d: Diagnostic) in !CriteriaTests.orderDependentRules.keys.contains(d.id) }
                    let x = SVGRenderer().render(try DiagramBuilder.build(a.architecture, findings: a.findings.filter(keep), options: options))
                    let y = SVGRenderer().render(try DiagramBuilder.build(b.architecture, findings: b.findings.filter(keep), options: options))
                    if x != y || !a.findings.contains(where: { !keep($0) }) {
                        Issue.record("\(specName(path)) \(options.view): reordering declarations changes the SVG at \(firstDifference(first, reordered))")
                    }
                }
                #expect(DOTExporter().export(try DiagramBuilder.build(a.architecture, findings: a.findings, options: options))
                        == DOTExporter().export(try DiagramBuilder.build(b.architecture, findings: b.findings, options: options)))
            }
        }
    }

    // 9. Adding one service to an IDC changes only that column's geometry and the container sizes around it.
    @Test func c09AddingAServiceIsLocal() throws {
        for path in specPaths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), let before = check(path: path) else { continue }
            let topology = before.architecture.topology
            guard let idc = topology.domains(at: .idc).first else { continue }
            let idcName = topology[idc].name
            guard let after = check(text: addingService(text, named: "zz-added", in: idcName), path: path) else {
                Issue.record("\(specName(path)): adding a service breaks the spec")
                continue
            }
            let options = DiagramOptions(view: .topology, showFindings: false)
            let d0 = try DiagramBuilder.build(before.architecture, options: options)
            let d1 = try DiagramBuilder.build(after.architecture, options: options)
            let added = d1.nodes.filter { $0.id.hasPrefix("n.service.zz-added.") }
            #expect(added.count == 1, "\(specName(path)): the new service should be one box")
            guard let new = added.first else { continue }
            // The changed column: the IDC's container(s).
            let columnIDs = Set(d1.containers.filter { $0.id.hasPrefix("c.idc.\(idcName)") }.map(\.id))
            #expect(new.container.map { columnIDs.contains($0) || isInside($0, columnIDs, d1) } ?? false, "\(specName(path)): the new box is not in idc \(idcName)")
            let column0 = d0.containers.filter { $0.id.hasPrefix("c.idc.\(idcName)") }.map(\.rect).reduce(nil) { $0?.union($1) ?? $1 }!
            let nodes1 = Dictionary(uniqueKeysWithValues: d1.nodes.map { ($0.id, $0) })
            // Every other box keeps its place up to a translation of its column (x) and of its row (y).
            var dxByColumn: [Double: Double] = [:]  // column left edge before → shift
            var dyByRow: [Double: Double] = [:]
            for n0 in d0.nodes {
                guard let n1 = nodes1[n0.id] else { Issue.record("\(specName(path)): \(n0.id) disappeared"); continue }
                // Inside the changed column anything may move; access nodes sit above all columns.
                if (n0.rect.midX >= column0.minX && n0.rect.midX <= column0.maxX) || n0.kind == .clients || n0.kind == .cdn { continue }
                #expect(n1.rect.width == n0.rect.width, "\(specName(path)): \(n0.id) changed width")
                let key = columnKey(n0, d0)
                let dx = n1.rect.minX - n0.rect.minX
                if let known = dxByColumn[key] { #expect(known == dx, "\(specName(path)): \(n0.id) moved differently from its column") } else { dxByColumn[key] = dx }
                if n0.rect.maxX < column0.minX { #expect(dx == 0, "\(specName(path)): \(n0.id) left of the changed column moved") }
                let dy = n1.rect.minY - n0.rect.minY
                if let known = dyByRow[n0.rect.minY] { #expect(known == dy, "\(specName(path)): \(n0.id) moved differently from its row") } else { dyByRow[n0.rect.minY] = dy }
            }
            // Rows keep their order: each row moves as a whole (when a gutter's lanes change), never reshuffled.
            let rows = dyByRow.sorted { $0.key < $1.key }.map { $0.key + $0.value }
            #expect(rows == rows.sorted(), "\(specName(path)): rows were reordered")
            // Containers neither around nor inside the changed column keep their width.
            let c1 = Dictionary(uniqueKeysWithValues: d1.containers.map { ($0.id, $0) })
            for c in d0.containers where !(c.rect.minX <= column0.minX && c.rect.maxX >= column0.maxX)
                && !(c.rect.minX >= column0.minX && c.rect.maxX <= column0.maxX) {
                #expect(c1[c.id]?.rect.width == c.rect.width, "\(specName(path)): \(c.id) changed width")
            }
        }
    }

    // 10. The legend lists exactly the node kinds, edge styles and finding kinds drawn.
    @Test func c10LegendMatchesWhatIsDrawn() throws {
        for r in renderedViews {
            let d = r.diagram
            let nodeKinds = Set(d.legend.compactMap { if case .node(let k) = $0 { k } else { nil } })
            let edgeStyles = Set(d.legend.compactMap { if case .edge(let s) = $0 { s } else { nil } })
            let severities = Set(d.legend.compactMap { if case .finding(let s) = $0 { s } else { nil } })
            #expect(nodeKinds == Set(d.nodes.map(\.kind)), "\(r): legend node kinds \(nodeKinds)")
            #expect(edgeStyles == Set(d.edges.map(\.style)), "\(r): legend edge styles \(edgeStyles)")
            #expect(severities == Set(d.badges.map(\.severity)), "\(r): legend finding kinds \(severities)")
            #expect(d.legend.count == d.legendSamples.count)
            // And the SVG's legend group draws one sample per item.
            guard case .success(let root) = StrictXMLParser.parse(r.svg) else { Issue.record("\(r): not XML"); continue }
            let legend = root.descendants.first { $0.attributes["id"] == "legend" }
            let texts = legend?.descendants.filter { $0.name == "text" }.map(\.text) ?? []
            #expect(d.legend.isEmpty ? legend == nil : texts.count == d.legend.count + 1, "\(r): legend texts \(texts)")
        }
        // Without findings there are no badges and no finding kinds.
        let shop = try #require(check(path: repositoryPath("specs/shop.strata")))
        let d = try DiagramBuilder.build(shop.architecture, findings: shop.findings, options: DiagramOptions(showFindings: false))
        #expect(d.badges.isEmpty && d.findingsRect == nil && !d.legend.contains { if case .finding = $0 { true } else { false } })
    }

    // 11. Okabe–Ito palette, redundant encodings, contrast ≥ 4.5:1 in both themes, no inline colours.
    @Test func c11PaletteContrastAndRedundantEncoding() throws {
        for scheme in ColorScheme.allCases {
            let c = SchemeColors.of(scheme)
            for pair in c.textPairs {
                let ratio = RGB.contrast(pair.text, pair.background)
                #expect(ratio >= 4.5, "\(scheme) \(pair.name): \(pair.text) on \(pair.background) is \(ratio):1")
            }
            // Every hue is Okabe–Ito; fills are Okabe–Ito tints over the canvas (or greys for clients).
            for k in NodeKind.allCases {
                let hue = c.hue(k)
                #expect(OkabeIto.all.contains(hue) || isGrey(hue), "\(scheme) \(k): \(hue)")
                #expect(isGrey(c.fill(k)) || [0.16, 0.28].contains { hue.over(c.canvas, alpha: $0) == c.fill(k) }, "\(scheme) \(k) fill")
            }
            for s in EdgeStyle.allCases { #expect(OkabeIto.all.contains(c.stroke(s)), "\(scheme) \(s)") }
            for s in [Severity.error, .warning, .note] { #expect(OkabeIto.all.contains(c.badgeFill(s))) }
        }
        // Colours only in the style sheet; every colour there is one of the palette's.
        let allowed = Set(ColorScheme.allCases.flatMap { s -> [String] in
            let c = SchemeColors.of(s)
            var all = [c.canvas, c.text, c.mutedText, c.containerStroke, c.tabFill, c.setStroke, c.setFill, c.setTabFill, c.panelFill, c.panelStroke, c.tagFill, c.badgeText]
            all += NodeKind.allCases.flatMap { [c.hue($0), c.fill($0)] } + EdgeStyle.allCases.map(c.stroke) + [Severity.error, .warning, .note].map(c.badgeFill)
            return all.map(\.description)
        })
        for r in renderedViews {
            guard case .success(let root) = StrictXMLParser.parse(r.svg) else { Issue.record("\(r): not XML"); continue }
            for e in root.descendants {
                for name in ["fill", "stroke", "style", "color", "stop-color"] {
                    #expect(e.attributes[name] == nil, "\(r): inline \(name) on <\(e.name) id=\(e.attributes["id"] ?? "")>")
                }
            }
            let css = root.descendants.first { $0.name == "style" }?.text ?? ""
            #expect(css.contains("@media (prefers-color-scheme: dark)"), "\(r): no dark theme")
            for match in css.matches(of: /#[0-9A-Fa-f]{6}/) {
                #expect(allowed.contains(String(match.output).uppercased()), "\(r): colour \(match.output) is not from the palette")
            }
        }
        // Redundant encodings: kinds differ by shape, edge styles by dash pattern and marker, severities by glyph.
        let renderer = SVGRenderer()
        let css = renderer.styleSheet().joined(separator: "\n")
        var edgeLooks = Set<String>()
        for s in EdgeStyle.allCases {
            let dash = css.firstMatch(of: try Regex("\\.edge\\.\(s.rawValue) \\.line \\{([^}]*)\\}"))?.output[1].substring.map(String.init) ?? "solid"
            edgeLooks.insert(dash)
        }
        #expect(edgeLooks.count == EdgeStyle.allCases.count, "edge styles share a dash pattern: \(edgeLooks)")
        // Kinds drawn together differ by outline (element, corner radius, inner border, mark) or dash pattern.
        let topologyKinds: [NodeKind] = [.clients, .cdn, .gateway, .service, .statefulService, .registry, .store]
        let callsKinds: [NodeKind] = [.gateway, .endpoint, .store]
        #expect(Set(topologyKinds.map { shapeSignature($0, css: css) }).count == topologyKinds.count, "\(topologyKinds.map { shapeSignature($0, css: css) })")
        #expect(Set(callsKinds.map { shapeSignature($0, css: css) }).count == callsKinds.count)
        #expect(Set([Severity.error, .warning, .note].map(badgeSignature)).count == 3)
    }

    // 12. Badge count equals finding count; each badge on its element.
    @Test func c12BadgesOnTheirElements() {
        for r in renderedViews {
            let d = r.diagram
            #expect(d.badges.count == r.findingCount, "\(r): \(d.badges.count) badges for \(r.findingCount) findings")
            #expect(d.findings.count == r.findingCount)
            #expect(d.badges.map(\.number).sorted() == Array(1...max(1, d.badges.count)).prefix(d.badges.count).map { $0 })
            let owners: [String: Rect] = Dictionary(uniqueKeysWithValues: d.nodes.map { ($0.id, $0.rect) } + d.containers.map { ($0.id, $0.labelBand) } + [("title", d.titleRect)])
            for b in d.badges {
                let f = d.findings[b.number - 1]
                #expect(f.owner == b.owner)
                guard let box = owners[b.owner] else { Issue.record("\(r): badge \(b.number) on unknown \(b.owner)"); continue }
                #expect(box.contains(b.rect), "\(r): badge \(b.number) is not on \(b.owner)")
                // The element carries the blamed subject (or encloses it when the subject is not drawn).
                let parts = f.subject.split(separator: " ").map(String.init)
                if parts.count == 2, ["service", "store", "gateway"].contains(parts[0]), b.owner != "title" {
                    #expect(b.owner.contains(".\(parts[1])"), "\(r): finding on \(f.subject) badged on \(b.owner)")
                }
            }
        }
    }

    // 13. The reference spec renders with aspect ratio between 1:3 and 3:1, text ≥ 10px.
    @Test func c13ReferenceAspectAndTextSize() {
        for r in renderedViews {
            for t in r.diagram.texts { #expect(t.size >= 10, "\(r): '\(t.text)' is \(t.size)px") }
            if r.spec == "shop" {
                let ratio = r.diagram.width / r.diagram.height
                #expect(ratio >= 1.0 / 3 && ratio <= 3, "\(r): aspect \(r.diagram.width)×\(r.diagram.height)")
            }
        }
        for size in SVGRenderer().styleSheet().joined().matches(of: /font-size: ([0-9.]+)px/) {
            #expect(Double(size.output.1)! >= 10)
        }
    }

    // 14. A 1,000-service spec renders in well under a second. Measured in CPU seconds of this process
    // (other work on the machine does not count). The bound holds for a release build
    // (`swift test -c release -Xswiftc -enable-testing --filter c14`, or scripts/bench-diagram);
    // a debug build gets 30 s. Either way, growth from 250 to 1,000 services must stay near-linear.
    @Test func c14ThousandServicesRenderFast() throws {
        func time(_ n: Int) throws -> (seconds: Double, nodes: Int, edges: Int) {
            let checked = try #require(check(text: generatedSpec(services: n), path: "generated.strata"))
            var best = Double.infinity
            var counts = (0, 0)
            for _ in 0..<2 {
                let start = cpuSeconds()
                let d = try DiagramBuilder.build(checked.architecture, findings: checked.findings)
                let svg = SVGRenderer().render(d)
                best = min(best, cpuSeconds() - start)
                counts = (d.nodes.count, d.edges.count)
                #expect(svg.utf8.count > 1000)
            }
            return (best, counts.0, counts.1)
        }
        let small = try time(250)
        let large = try time(1000)
        print("diagram of 1000 services: \(large.nodes) boxes, \(large.edges) edges in \(large.seconds) s of CPU (250 services: \(small.seconds) s)")
        #if DEBUG
        #expect(large.seconds < 30, "1000 services took \(large.seconds) s of CPU in a debug build")
        #else
        #expect(large.seconds < 1, "1000 services took \(large.seconds) s of CPU")
        #endif
        // 4× the services: well under 16× the time (no quadratic routing).
        #expect(large.seconds < max(small.seconds, 0.01) * 8, "1000 services took \(large.seconds / small.seconds)× as long as 250")
    }
}

// MARK: - Helpers

private func firstDifference(_ a: String, _ b: String) -> String {
    let x = Array(a.utf8), y = Array(b.utf8)
    var i = 0
    while i < min(x.count, y.count) && x[i] == y[i] { i += 1 }
    let context = { (s: [UInt8]) in String(decoding: s[max(0, i - 60)..<min(s.count, i + 60)], as: UTF8.self) }
    return "byte \(i): …\(context(x))… vs …\(context(y))…"
}

private func isGrey(_ c: RGB) -> Bool { max(c.r, c.g, c.b) - min(c.r, c.g, c.b) <= 12 }

private func isInside(_ id: String, _ ancestors: Set<String>, _ d: Diagram) -> Bool {
    var current: String? = id
    let byID = Dictionary(uniqueKeysWithValues: d.containers.map { ($0.id, $0) })
    while let c = current {
        if ancestors.contains(c) { return true }
        current = byID[c]?.parent
    }
    return false
}

/// A node's column: the left edge of the leaf domain container around it (or its own left edge).
private func columnKey(_ n: DiagramNode, _ d: Diagram) -> Double {
    let byID = Dictionary(uniqueKeysWithValues: d.containers.map { ($0.id, $0) })
    var current = n.container
    while let c = current, let box = byID[c] {
        if [.idc, .rack].contains(box.kind) || box.kind == .outside { return box.rect.minX }
        current = box.parent
    }
    return n.rect.minX
}

/// How a node kind is drawn, colours left out: its elements with their classes and corner radii, and its dash pattern.
private func shapeSignature(_ k: NodeKind, css: String) -> String {
    guard case .success(let root) = StrictXMLParser.parse(SVGRenderer().render(shapeProbe(k))),
          let group = root.descendants.first(where: { $0.attributes["id"] == "n.probe" }) else { return "?" }
    var parts = group.children.filter { $0.name != "title" && $0.name != "text" }.map { e in
        e.name + "." + (e.attributes["class"] ?? "") + (e.attributes["rx"].map { "/rx" + $0 } ?? "") + (e.attributes["d"].map { "/" + $0.filter(\.isLetter) } ?? "")
    }
    if css.contains(".node.\(k.rawValue) .shape { stroke-dasharray") { parts.append("dashed") }
    return parts.joined(separator: " ")
}

private func badgeSignature(_ s: Severity) -> String {
    var out = ""
    let svg = SVGRenderer().render(shapeProbe(.service, badge: s))
    if let start = svg.range(of: "<g id=\"finding-1\""), let end = svg.range(of: "</g>", range: start.upperBound..<svg.endIndex) {
        out = String(svg[start.upperBound..<end.lowerBound]).replacingOccurrences(of: #"[0-9.,]+"#, with: "#", options: .regularExpression)
            .replacingOccurrences(of: #"<title>[^<]*</title>"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"class="glyph [a-z]+""#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"class="badge [a-z]+""#, with: "", options: .regularExpression)
    }
    return out
}

/// A tiny diagram with one node of kind `k` (and a badge of a severity) to look at how it is drawn.
private func shapeProbe(_ k: NodeKind, badge: Severity? = nil) -> Diagram {
    let rect = Rect(x: 10, y: 10, width: 100, height: 40)
    let node = DiagramNode(id: "n.probe", kind: k, rect: rect, name: "probe", details: [], tooltip: "probe", replicas: 1, container: nil)
    let label = DiagramText("1", role: .badge, size: 10, bold: true, x: 88, baseline: 24, centered: true, owner: "n.probe")
    let badges = badge.map { [DiagramBadge(number: 1, severity: $0, rect: Rect(x: 80, y: 12, width: 16, height: 16), owner: "n.probe", label: label)] } ?? []
    let findings = badge.map { [DiagramFinding(number: 1, rule: "r", severity: $0, message: "m", subject: "s", owner: "n.probe")] } ?? []
    return Diagram(architecture: "probe", view: .topology, title: "probe", summary: "probe", width: 200, height: 100, nodes: [node], containers: [],
                   edges: [], texts: [], badges: badges, findings: findings, legend: [], titleRect: rect, legendRect: rect, findingsRect: nil,
                   legendSamples: [], panelBadges: [])
}

/// Buckets rectangles into grid cells so that segment checks stay near-linear.
struct SpatialIndex {
    let cell: Double
    var buckets: [Int64: [Int]] = [:]

    init(_ rects: [Rect], cell: Double) {
        self.cell = cell
        for (i, r) in rects.enumerated() {
            for key in keys(r) { buckets[key, default: []].append(i) }
        }
    }

    private func keys(_ r: Rect) -> [Int64] {
        let x0 = Int64((r.minX / cell).rounded(.down)), x1 = Int64((r.maxX / cell).rounded(.down))
        let y0 = Int64((r.minY / cell).rounded(.down)), y1 = Int64((r.maxY / cell).rounded(.down))
        var result: [Int64] = []
        for x in x0...x1 { for y in y0...y1 { result.append(x << 32 | (y & 0xFFFF_FFFF)) } }
        return result
    }

    func candidates(for s: Segment) -> [Int] {
        let r = Rect(x: min(s.from.x, s.to.x), y: min(s.from.y, s.to.y), width: abs(s.to.x - s.from.x), height: abs(s.to.y - s.from.y))
        var seen = Set<Int>()
        var result: [Int] = []
        for key in keys(r) { for i in buckets[key] ?? [] where seen.insert(i).inserted { result.append(i) } }
        return result
    }
}

/// CPU seconds used by the calling thread so far. The thread's own clock, not the process's: tests of
/// other suites run in parallel in the same process and must not count (the render is synchronous).
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
