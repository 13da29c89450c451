import StrataDiagnostics
import StrataSyntax

/// The result of compiling a spec: the resolved model (absent when the spec is
/// too broken to describe one) and every lexical, syntax, include and semantic diagnostic.
public struct Compilation: Sendable {
    public let sources: SourceManager
    public let architecture: Architecture?
    public let diagnostics: [Diagnostic]

    /// True when some diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error && $0.suppression == nil } }
}

/// Front-end entry point: load → parse → resolve → place.
public enum Compiler {
    /// Compiles a loaded spec.
    public static func compile(_ spec: LoadedSpec) -> Compilation {
        let resolver = Resolver(sources: spec.sources)
        let rootFile = spec.trees.first?.file ?? FileID(0)
        let architecture = resolver.resolve(spec.statements, rootFile: rootFile)
        return Compilation(sources: spec.sources, architecture: architecture, diagnostics: spec.diagnostics + resolver.diagnostics)
    }

    /// Loads the file at `path` (and its includes) and compiles it. Throws only when the root file
    /// cannot be read. Without `read`, includes are read from disk confined to the include root.
    public static func compile(path: String, read: FileReader? = nil) throws -> Compilation {
        compile(try SpecLoader.load(path: path, read: read))
    }

    /// Compiles in-memory text (tests, benchmarks, fuzzing).
    public static func compile(text: String, path: String = "spec.strata", read: FileReader? = nil) -> Compilation {
        compile(SpecLoader.load(path: path, text: text, read: read))
    }
}
