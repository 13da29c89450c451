import Testing
import StrataDiagnostics
@testable import StrataSyntax

@Suite struct ParserSmokeTests {
    @Test func parsesNestedBlocks() {
        let sources = SourceManager()
        let file = sources.add(path: "a.strata", text: "architecture a {\n  service s { replicas 2 per set }\n}\n")
        let tree = Parser.parse(file)
        #expect(tree.diagnostics.isEmpty)
        #expect(tree.statements.count == 1)
        #expect(tree.statements[0].block?.statements.first?.keyword == "service")
    }
}
