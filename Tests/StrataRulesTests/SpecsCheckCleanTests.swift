import Foundation
import Testing
import StrataDiagnostics
import StrataModel
import StrataRules
import StrataTestSupport

/// Every example architecture in specs/ passes every rule (suppressed findings aside).
@Suite struct SpecsCheckCleanTests {
    /// `specs/*.strata`; evaluating the test's arguments fails when the folder cannot be read or is empty.
    static func specs() throws -> [String] {
        try strataFiles(in: "specs")
    }

    @Test func theReferenceSpecIsAmongThem() throws {
        #expect(try SpecsCheckCleanTests.specs().contains("specs/shop.strata"))
    }

    @Test(arguments: try SpecsCheckCleanTests.specs())
    func checksClean(spec: String) throws {
        let compilation = try Compiler.compile(path: repositoryPath(spec))
        let architecture = try #require(compilation.architecture)
        let report = Checker.check(architecture)
        let open = report.diagnostics.filter { $0.suppression == nil }
        let rendered = TextRenderer(sources: compilation.sources, color: false).render(open)
        #expect(open.isEmpty, "\(rendered)")
    }
}
