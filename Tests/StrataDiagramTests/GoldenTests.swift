import Foundation
import Testing
import StrataDiagram
import StrataModel
import StrataTestSupport

/// Whole-file goldens of every spec in specs/ in every format: Tests/StrataDiagramTests/Goldens/<spec>/<view>.
///
/// Compared with the shared harness (`GoldenFiles`): a mismatch shows a `git diff`, a golden nothing
/// draws any more is stale. After a deliberate change, re-record with
/// `STRATA_RECORD=1 swift test --filter "StrataDiagramTests\\.GoldenTests"` (the filter is a regex: keep it
/// narrow, other suites record with the same variable); recording fails the run so that new goldens are
/// looked at before they are committed.
@Suite struct GoldenTests {
    static let goldens = repositoryRoot.appendingPathComponent("Tests/StrataDiagramTests/Goldens")

    /// How a golden file is written.
    enum Format {
        case svg, dot, mermaid
    }

    /// Every golden of one architecture: file name → the view drawn and the format it is written in.
    static func goldenViews(of architecture: Architecture) -> [(file: String, options: DiagramOptions, format: Format)] {
        var result: [(file: String, options: DiagramOptions, format: Format)] = [
            ("topology.svg", DiagramOptions(view: .topology), .svg),
            ("topology-rack.svg", DiagramOptions(view: .topology, detail: .rack), .svg),
            ("calls.svg", DiagramOptions(view: .calls), .svg),
        ]
        for set in architecture.sets {
            result.append(("set-\(set.name).svg", DiagramOptions(view: .set(set.name)), .svg))
        }
        result += [
            ("topology.dot", DiagramOptions(view: .topology), .dot),
            ("calls.dot", DiagramOptions(view: .calls), .dot),
            ("topology.mmd", DiagramOptions(view: .topology), .mermaid),
            ("calls.mmd", DiagramOptions(view: .calls), .mermaid),
        ]
        return result
    }

    /// Every golden file of one spec (`shop/topology.svg`, ...) and its contents, drawn now.
    static func draw(spec: String) throws -> [(path: String, contents: [UInt8])] {
        let checked = try #require(check(path: repositoryPath(spec)), "\(spec) does not compile")
        let name = specName(repositoryPath(spec))
        return try goldenViews(of: checked.architecture).map { golden in
            let diagram = try DiagramBuilder.build(checked.architecture, findings: checked.findings, options: golden.options)
            let text = switch golden.format {
            case .svg: SVGRenderer().render(diagram)
            case .dot: DOTExporter().export(diagram)
            case .mermaid: MermaidExporter().export(diagram)
            }
            return (name + "/" + golden.file, Array(text.utf8))
        }
    }

    /// Every view of every spec in specs/ matches its golden, and no golden is left over
    /// (also not the folder of a spec that was removed).
    @Test func everySpecMatchesItsGoldens() throws {
        let files = try strataFiles(in: "specs").flatMap { try GoldenTests.draw(spec: $0) }
        try GoldenFiles.compare(files, goldens: GoldenTests.goldens)
    }

    /// The reference spec has exactly these goldens: one SVG per set besides the topology and call views.
    @Test func shopHasTheExpectedGoldens() throws {
        let paths = try GoldenTests.draw(spec: "specs/shop.strata").map(\.path)
        #expect(paths == [
            "shop/topology.svg", "shop/topology-rack.svg", "shop/calls.svg",
            "shop/set-sh-a.svg", "shop/set-sh-b.svg", "shop/set-hz-a.svg",
            "shop/topology.dot", "shop/calls.dot", "shop/topology.mmd", "shop/calls.mmd",
        ])
    }

    /// Graphviz accepts the DOT export of every view of every spec.
    @Test func dotAcceptsEveryExport() throws {
        let dot = try ExternalTool.require("dot", package: "graphviz")
        let dir = temporaryDirectory("dot")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let exported = renderedViews.enumerated().filter { $0.element.options.detail == nil }
        #expect(exported.count >= 20, "too few views drawn: \(exported.count)")
        for (i, r) in exported {
            let file = dir + "/\(i).dot"
            try DOTExporter().export(r.diagram).write(toFile: file, atomically: true, encoding: .utf8)
            let result = try run(dot, ["-Tsvg", "-o", "/dev/null", file])
            #expect(result.status == 0 && !result.output.contains("Error"), "\(r): dot rejects the export: \(result.output)")
        }
    }

    /// A real renderer turns the reference SVGs into PNGs (CI renders every spec: scripts/ci.d/40-diagrams.sh).
    @Test func rsvgRendersTheReferenceSpec() throws {
        let rsvg = try ExternalTool.require("rsvg-convert", package: "librsvg2-bin")
        let dir = temporaryDirectory("png")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let shopViews = renderedViews.filter { $0.spec == "shop" }
        #expect(shopViews.count == 6, "topology, topology by rack, calls and 3 sets: \(shopViews.map(\.description))")
        for r in shopViews {
            let png = dir + "/out.png"
            let result = try run(rsvg, ["--format", "png", "--output", png], input: Data(r.svg.utf8))
            #expect(result.status == 0, "\(r): rsvg-convert failed: \(result.output)")
            let data = FileManager.default.contents(atPath: png) ?? Data()
            #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(r): no PNG written")
        }
    }
}
