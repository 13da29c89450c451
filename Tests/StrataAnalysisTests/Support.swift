import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// Compiles a spec that must be free of compiler errors and returns its deployment.
func deployment(_ text: String) -> Deployment {
    let compilation = Compiler.compile(text: text)
    precondition(!compilation.hasErrors, "\(compilation.diagnostics.map(\.message))")
    let arch = compilation.architecture!
    return Deployment(arch, graph: CallGraph(arch))
}

func deployment(path: String) throws -> Deployment {
    let compilation = try Compiler.compile(path: path)
    let arch = compilation.architecture!
    return Deployment(arch, graph: CallGraph(arch))
}
