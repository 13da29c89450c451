import Foundation
import Testing
import StrataDiagnostics
import StrataModel
import StrataRules

/// Every example architecture in specs/ passes every rule (suppressed findings aside).
@Suite struct SpecsCheckCleanTests {
    static let specs: [String] = {
        let dir = repositoryRoot + "/specs"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".strata") }.sorted().map { dir + "/" + $0 }
    }()

    @Test(arguments: SpecsCheckCleanTests.specs)
    func checksClean(path: String) throws {
        let compilation = try Compiler.compile(path: path)
        let architecture = try #require(compilation.architecture)
        let report = Checker.check(architecture)
        let open = report.diagnostics.filter { $0.suppression == nil }
        let rendered = TextRenderer(sources: compilation.sources, color: false).render(open)
        #expect(open.isEmpty, "\(rendered)")
    }
}
