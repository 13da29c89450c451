import StrataDiagnostics
import StrataSyntax

struct Resolver {
    let sources: SourceManager
    var diagnostics = DiagnosticBag()
    init(sources: SourceManager) { self.sources = sources }
    mutating func resolve(_ statements: [Statement]) -> Architecture? {
        guard let arch = statements.first(where: { $0.keyword == "architecture" }), let name = arch.arguments.first?.word else { return nil }
        return Architecture(name: name)
    }
}
