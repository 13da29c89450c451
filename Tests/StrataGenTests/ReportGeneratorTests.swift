import Foundation
import StrataDiagnostics
import StrataModel
import StrataRules
import StrataSyntax
import StrataTestSupport
import Testing
import StrataAnalysis
import StrataDriver
@testable import StrataGen

/// `report/check.sarif` and `report/check.json`: the checker's findings as `strata check` renders them.
@Suite struct ReportGeneratorTests {
    typealias Support = GatewayTestSupport

    static func json(_ artifacts: [Artifact], _ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(try Support.text(artifacts, path).utf8)) as? [String: Any])
    }

    @Test func suppressedFindingsAreReportedAsSuch() throws {
        let artifacts = try Support.build("specs/campus.strata", targets: [.report])
        #expect(artifacts.map(\.path) == ["report/check.sarif", "report/check.json"])
        let json = try Self.json(artifacts, "report/check.json")
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["id"] as? String } == ["auth"])
        #expect(diagnostics.first?["suppressed"] as? Bool == true)
        #expect(diagnostics.first?["file"] as? String == "specs/campus.strata")
        let sarif = try Self.json(artifacts, "report/check.sarif")
        #expect(sarif["version"] as? String == "2.1.0")
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 1)
        #expect(results.first?["ruleId"] as? String == "auth")
        #expect((results.first?["suppressions"] as? [[String: Any]])?.first?["kind"] as? String == "inSource")
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let ids = Set(rules.compactMap { $0["id"] as? String })
        #expect(ids.isSuperset(of: Set(Checker.descriptors.map(\.id))))
        #expect(ids.contains("E0101"))
    }

    @Test func findingsPointIntoTheSpec() throws {
        let gateway = "gateway g {\n    replicas 1 per set\n    auth jwt\n    route \"/s\" -> s\n  }"
        let services = "service s {\n    replicas 2 per set\n    endpoint get GET \"/s\" { budget 50ms }\n  }"
        let artifacts = try Support.build(text: Support.spec(gateway: gateway, services: services), path: "x.strata", targets: [.report])
        let json = try Self.json(artifacts, "report/check.json")
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        let rateLimit = try #require(diagnostics.first { $0["id"] as? String == "rate-limit" }, "\(diagnostics.map { $0["id"] ?? "" })")
        #expect(rateLimit["file"] as? String == "x.strata")
        #expect((rateLimit["start"] as? [String: Any])?["line"] as? Int != nil)
        let sarif = try Support.text(artifacts, "report/check.sarif")
        #expect(sarif.contains(#""ruleId" : "rate-limit""#) || sarif.contains(#""ruleId": "rate-limit""#))
    }

    @Test func theReportNeedsTheSources() throws {
        let compilation = try Compiler.compile(path: "specs/shop.strata", read: { try SpecLoader.readFile(repositoryPath($0)) })
        let architecture = try #require(compilation.architecture)
        let input = GenerationInput(analyses: ArchitectureAnalyses(architecture), specPath: "specs/shop.strata", check: Checker.check(architecture),
                                    ruleDescriptors: Pipeline.ruleDescriptors, templates: .standard(overrideDirectory: nil))
        #expect(throws: GenerationError.self) { try ReportGenerator().generate(input) }
    }
}
