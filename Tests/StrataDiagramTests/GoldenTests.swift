import Foundation
import Testing
import StrataDiagram
import StrataModel

/// Whole-file goldens of the reference spec (specs/shop.strata) in every format.
///
/// After a deliberate change, re-record with `STRATA_RECORD=1 swift test --filter "StrataDiagramTests\\.GoldenTests"` (the filter is a regex: keep it narrow, other suites record with the same variable);
/// recording fails the run ("re-recorded, review the diff") so that new goldens are looked at before they are committed.
@Suite struct GoldenTests {
    static let directory = repositoryRoot + "/Tests/StrataDiagramTests/Goldens"
    static let recording = ProcessInfo.processInfo.environment["STRATA_RECORD"] == "1"

    /// Every golden: file name → how to produce it from the reference spec.
    static let goldens: [(file: String, options: DiagramOptions, format: String)] = [
        ("shop-topology.svg", DiagramOptions(view: .topology), "svg"),
        ("shop-topology-rack.svg", DiagramOptions(view: .topology, detail: .rack), "svg"),
        ("shop-calls.svg", DiagramOptions(view: .calls), "svg"),
        ("shop-set-sh-a.svg", DiagramOptions(view: .set("sh-a")), "svg"),
        ("shop-topology.dot", DiagramOptions(view: .topology), "dot"),
        ("shop-topology.mmd", DiagramOptions(view: .topology), "mermaid"),
        ("shop-calls.dot", DiagramOptions(view: .calls), "dot"),
    ]

    @Test(arguments: goldens.map(\.file))
    func golden(_ file: String) throws {
        let entry = GoldenTests.goldens.first { $0.file == file }!
        let shop = try #require(check(path: repositoryRoot + "/specs/shop.strata"))
        let diagram = try DiagramBuilder.build(shop.architecture, findings: shop.findings, options: entry.options)
        let actual: String = switch entry.format {
        case "dot": DOTExporter().export(diagram)
        case "mermaid": MermaidExporter().export(diagram)
        default: SVGRenderer().render(diagram)
        }
        let path = GoldenTests.directory + "/" + file
        if GoldenTests.recording {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("re-recorded \(file), review the diff")
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        if actual != expected {
            let actualPath = NSTemporaryDirectory() + "actual-" + file
            try actual.write(toFile: actualPath, atomically: true, encoding: .utf8)
            Issue.record("\(file) differs from its golden: git diff --no-index \(path) \(actualPath) (STRATA_RECORD=1 re-records)")
        }
    }

    /// Graphviz accepts the DOT export of every view of every spec.
    @Test func dotAcceptsEveryExport() throws {
        let dir = temporaryDirectory("dot")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (i, r) in renderedViews.enumerated() where r.options.detail == nil {
            let file = dir + "/\(i).dot"
            try DOTExporter().export(r.diagram).write(toFile: file, atomically: true, encoding: .utf8)
            guard let result = run("dot", ["-Tsvg", "-o", "/dev/null", file]) else {
                toolMissing("dot", package: "graphviz")
                return
            }
            #expect(result.status == 0 && !result.output.contains("Error"), "\(r): dot rejects the export: \(result.output)")
        }
    }

    /// A real renderer turns the reference SVGs into PNGs (CI renders every spec: scripts/ci.d/40-diagrams.sh).
    @Test func rsvgRendersTheReferenceSpec() throws {
        guard run("rsvg-convert", ["--version"]) != nil else {
            toolMissing("rsvg-convert", package: "librsvg2-bin")
            return
        }
        let dir = temporaryDirectory("png")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for r in renderedViews where r.spec == "shop" {
            let png = dir + "/out.png"
            let result = run("rsvg-convert", ["--format", "png", "--output", png], input: Data(r.svg.utf8))
            #expect(result?.status == 0, "\(r): rsvg-convert failed: \(result?.output ?? "")")
            let data = FileManager.default.contents(atPath: png) ?? Data()
            #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(r): no PNG written")
        }
    }
}

/// A checking tool is not installed: a note, or a failure when `STRATA_REQUIRE_TOOLS=1`.
/// (`swift test` in scripts/test may run before scripts/ci.d/40-diagrams.sh installs them; that step checks every spec with them.)
func toolMissing(_ tool: String, package: String) {
    let message = "\(tool) is not installed (apt-get install \(package)); scripts/ci.d/40-diagrams.sh installs it and checks every spec with it"
    if ProcessInfo.processInfo.environment["STRATA_REQUIRE_TOOLS"] == "1" {
        Issue.record(Comment(rawValue: message))
    } else {
        print("note: skipped, " + message)
    }
}
