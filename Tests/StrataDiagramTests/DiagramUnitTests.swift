import Foundation
import Testing
import StrataAnalysis
import StrataDiagnostics
@testable import StrataDiagram
import StrataModel
import StrataTestSupport

@Suite struct DiagramUnitTests {
    static let awkward = """
        architecture odd {
          description "Pricing <beta> & \\"quoted\\" 'apostrophes' \\\\ back\\tslash \\u{1F600} wide 漢字"
          survive machine
          topology {
            region r1 {
              city c1 {
                idc i1 { racks 1 }
              }
            }
          }
          gateway gw {
            replicas 2 in i1
            auth jwt
            rate-limit 10/s
            route "/p~q" -> svc
          }
          service svc {
            replicas 2 in i1
            endpoint get GET "/p~q/{id}" {
              budget 50ms
              work 1ms
            }
          }
        }
        """

    @Test func everyTextIsEscaped() throws {
        let checked = try #require(check(text: DiagramUnitTests.awkward, path: "odd.strata"))
        for options in views(of: checked.architecture) {
            let d = try DiagramBuilder.build(checked.architecture, findings: checked.findings, options: options)
            let svg = SVGRenderer().render(d)
            guard case .success(let root) = StrictXMLParser.parse(svg) else {
                Issue.record("\(options.view): the SVG is not well-formed")
                continue
            }
            let desc = root.children.first { $0.name == "desc" }?.text ?? ""
            #expect(desc.contains("Pricing <beta> & \"quoted\" 'apostrophes' \\ back\tslash 😀 wide 漢字"), "\(desc)")
            let tooltips = root.descendants.filter { $0.name == "title" }.map(\.text)
            #expect(tooltips.contains { $0.contains("/p~q") }, "the route's prefix survives in a tooltip")
            // DOT: Graphviz parses it, and the quoted tooltips keep the prefix.
            let dot = DOTExporter().export(d)
            #expect(dot.contains("/p~q"))
            let result = try run(ExternalTool.require("dot", package: "graphviz"), ["-Tsvg"], input: Data(dot.utf8))
            #expect(result.status == 0, "dot: \(result.output)")
            let mermaid = MermaidExporter().export(d)
            #expect(!mermaid.contains("<&>"), "raw markup in Mermaid labels")
        }
    }

    @Test func controlCharactersCannotBreakTheXML() {
        var w = XMLWriter()
        w.element("t", ["a": "x\"<&>\u{1}\n\t'\u{85}\u{202E}"], text: "\u{0}\u{8}<&>\u{FFFE}]]>\u{9B}\u{200B}\u{2028}漢")
        let text = String(decoding: w.bytes, as: UTF8.self)
        guard case .success(let root) = StrictXMLParser.parse(text) else {
            Issue.record("not well-formed: \(text)")
            return
        }
        // Controls (C0 and C1), bidirectional and invisible characters are shown as the spec escapes them (VisibleText).
        #expect(root.attributes["a"] == #"x"<&>\u{1}"# + "\n\t'" + #"\u{85}\u{202E}"#)
        #expect(root.text == #"\u{0}\u{8}<&>"# + "\u{FFFD}]]>" + #"\u{9B}\u{200B}\u{2028}"# + "漢")
    }

    @Test func mermaidIdentifiersAreInjective() {
        let m = MermaidExporter()
        let ids = ["n.a-b.c", "n.a.b-c", "n.a--b", "n.a.-b", "n_2d_", "n-", "n.2e"]
        #expect(Set(ids.map(m.identifier)).count == ids.count)
        for id in ids.map(m.identifier) { #expect(id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }) }
        #expect(m.escape("a \"b\" <c> & #d") == "a #quot;b#quot; #lt;c#gt; #amp; #35;d")
    }

    @Test func textMetricsAndWrapping() {
        #expect(TextMeasure.width("iiii", size: 12) < TextMeasure.width("MMMM", size: 12))
        #expect(TextMeasure.width("abc", size: 12, bold: true) > TextMeasure.width("abc", size: 12))
        #expect(TextMeasure.width("漢字", size: 10) == 20)
        let lines = TextMeasure.wrap("the quick brown fox jumps over the lazy dog again and again", size: 11, maxWidth: 120)
        #expect(lines.count > 2)
        for l in lines { #expect(TextMeasure.width(l, size: 11) <= 120) }
        let long = TextMeasure.wrap(String(repeating: "x", count: 200), size: 11, maxWidth: 100)
        for l in long { #expect(TextMeasure.width(l, size: 11) <= 100) }
        #expect(long.joined() == String(repeating: "x", count: 200))
    }

    /// Wrapping is linear in the text's length: 100,000 characters (words, then one word wider than
    /// any line) wrap here in a moment where measuring every candidate line whole took minutes.
    /// The breaks are those of measuring each line whole.
    @Test func wrapsAHundredThousandCharacters() {
        let words = (0..<10_000).map { "w\($0 % 97)漢" }.joined(separator: " ")
        let text = words + " " + String(repeating: "Wi", count: 26_000)
        #expect(text.count > 100_000)
        let lines = TextMeasure.wrap(text, size: 11, maxWidth: 300)
        #expect(lines.count > 1_000)
        for (i, line) in lines.enumerated() {
            #expect(TextMeasure.width(line, size: 11) <= 300, "line \(i) too wide")
            // Greedy: the next line's first word (or, inside the long word, character) would not have fitted.
            guard i + 1 < lines.count else { continue }
            let next = lines[i + 1]
            switch (line.hasPrefix("Wi"), next.hasPrefix("Wi")) {
            case (false, false):
                let first = next.split(separator: " ")[0]
                #expect(TextMeasure.width(line + " " + first, size: 11) > 300, "line \(i) could have taken \(first)")
            case (true, true):
                #expect(TextMeasure.width(line + next.prefix(1), size: 11) > 300, "line \(i) could have taken more")
            default:
                break
            }
        }
        #expect(lines.joined(separator: " ").hasPrefix(words + " "))
        #expect(lines.filter { $0.hasPrefix("Wi") }.joined() == String(repeating: "Wi", count: 26_000))
    }

    @Test func lanesNeverShareAStretch() {
        let intervals = [(lo: 0, hi: 10, order: 0), (lo: 5, hi: 15, order: 1), (lo: 10, hi: 20, order: 2), (lo: 21, hi: 30, order: 3), (lo: 0, hi: 30, order: 4)]
        let (lanes, count) = LaneAssigner.assign(intervals)
        #expect(count == 4)  // at 10 four intervals meet: touching counts as sharing
        for i in intervals.indices {
            for j in intervals.indices where j > i && lanes[i] == lanes[j] {
                let a = intervals[i], b = intervals[j]
                #expect(a.hi < b.lo || b.hi < a.lo, "\(a) and \(b) share lane \(lanes[i])")
            }
        }
    }

    @Test func unknownSetIsAnError() throws {
        let shop = try #require(check(path: repositoryPath("specs/shop.strata")))
        #expect(throws: DiagramError.self) { try DiagramBuilder.build(shop.architecture, options: DiagramOptions(view: .set("nowhere"))) }
    }

    @Test func aSetViewShowsOnlyItsOwnSet() throws {
        for path in specPaths {
            guard let checked = check(path: path), checked.architecture.striping.declared else { continue }
            for set in checked.architecture.sets {
                let d = try DiagramBuilder.build(checked.architecture, options: DiagramOptions(view: .set(set.name)))
                for n in d.nodes where n.id.contains(".set.") {
                    #expect(n.id.hasSuffix(".set.\(set.name)"), "\(specName(path)) set \(set.name) shows \(n.id)")
                }
                #expect(d.nodes.contains { $0.id.hasSuffix(".set.\(set.name)") } || !checked.architecture.components.contains { checked.architecture.placement(of: $0)?.isStriped == true })
                #expect(d.containers.contains { $0.id == "c.set.\(set.name)" } || !d.nodes.contains { $0.id.contains(".set.") })
            }
        }
    }

    @Test func themes() {
        let light = SVGRenderer(theme: .light).styleSheet().joined(separator: "\n")
        let dark = SVGRenderer(theme: .dark).styleSheet().joined(separator: "\n")
        let auto = SVGRenderer(theme: .auto).styleSheet().joined(separator: "\n")
        #expect(!light.contains("@media") && light.contains(".canvas { fill: \(SchemeColors.light.canvas); }"))
        #expect(!dark.contains("@media") && dark.contains(".canvas { fill: \(SchemeColors.dark.canvas); }"))
        #expect(auto.contains("@media (prefers-color-scheme: dark)") && auto.contains(SchemeColors.dark.canvas.description))
    }

    /// The calls view's store costs follow the latency model: for every store step outside a `parallel`,
    /// the tag equals the model's hop for that step.
    @Test func storeHopsMatchTheLatencyModel() throws {
        var compared = 0
        for path in specPaths {
            guard let checked = check(path: path) else { continue }
            let a = checked.architecture
            let graph = CallGraph(a)
            guard graph.isAcyclic else { continue }
            let model = LatencyModel(Deployment(a, graph: graph))
            let d = try DiagramBuilder.build(a, options: DiagramOptions(view: .calls, showFindings: false))
            for (index, id) in graph.endpoints.enumerated() {
                guard let e = a.endpoint(id.service, id.endpoint), let hops = model.internalPath(endpoint: index, set: 0)?.hops else { continue }
                var storeHops = hops.filter { $0.label.hasPrefix("read ") || $0.label.hasPrefix("write ") }.makeIterator()
                for (i, step) in e.steps.enumerated() {
                    let verb: String
                    switch step {
                    case .read: verb = "read"
                    case .write: verb = "write"
                    default: continue
                    }
                    guard let hop = storeHops.next() else { break }
                    let edge = d.edges.first { $0.id == "e.\(verb).\(id.service).\(id.endpoint).s\(i + 1)" }
                    #expect(edge?.tag?.text == "\(verb) \(formatMilliseconds(hop.milliseconds))",
                            "\(specName(path)) \(id) step \(i + 1): tag \(edge?.tag?.text ?? "none"), model \(hop)")
                    compared += 1
                }
            }
        }
        #expect(compared > 20)
    }

    @Test func findingsBadgeTheElementsTheyBlame() throws {
        let path = repositoryPath("specs/flawed/prototype.strata")
        let checked = try #require(check(path: path), "\(path) does not compile")
        let d = try DiagramBuilder.build(checked.architecture, findings: checked.findings)
        let unused = d.findings.filter { $0.rule == "unused" }
        #expect(!unused.isEmpty)
        for f in unused {
            let name = f.subject.split(separator: " ").last.map(String.init) ?? ""
            #expect(f.owner.contains(".\(name).") || f.owner.hasSuffix(".\(name)"), "unused \(f.subject) badged on \(f.owner)")
        }
        // Errors come first.
        let ranks = d.findings.map { $0.severity == .error ? 0 : $0.severity == .warning ? 1 : 2 }
        #expect(ranks == ranks.sorted())
        // Suppressed findings are not badged.
        let suppressed = checked.findings.filter { $0.suppression != nil }.count
        #expect(d.badges.count == checked.findings.count - suppressed)
    }
}
