import StrataSyntax
import StrataDiagnostics
let spec = try SpecLoader.load(path: CommandLine.arguments[1])
print(spec.statements.count, spec.diagnostics.count)
func dump(_ s: [Statement], _ d: Int) { for x in s { print(String(repeating: "  ", count: d) + x.keyword, x.arguments.map { "\($0.kind)" }.joined(separator: " ")); if let b = x.block { dump(b.statements, d+1) } } }
dump(spec.statements, 0)
for d in spec.diagnostics { print(spec.sources.location(d.primary.span), d.id, d.message) }
