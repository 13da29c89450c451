import StrataDiagnostics
import StrataModel

/// A compiled spec with its rule findings: what `strata check` reports and `strata build` checks first.
public struct CheckedSpec: Sendable {
    public let compilation: Compilation
    /// Nil when the spec is too broken to resolve into an architecture.
    public let report: CheckReport?

    /// Compiler diagnostics followed by rule findings, in output order.
    public var diagnostics: [Diagnostic] {
        (compilation.diagnostics + (report?.diagnostics ?? [])).sortedForOutput()
    }

    /// Rules that could not fully run, and why.
    public var skipped: [SkippedRule] { report?.skipped ?? [] }

    /// True when an unsuppressed error remains (compiler or rule).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error && $0.suppression == nil } }
}

extension Checker {
    /// Runs the rules over a compilation (only when it resolved; compiler errors alone otherwise).
    public static func check(_ compilation: Compilation, options: CheckOptions = CheckOptions()) -> CheckedSpec {
        guard let architecture = compilation.architecture, !compilation.hasErrors else {
            return CheckedSpec(compilation: compilation, report: nil)
        }
        return CheckedSpec(compilation: compilation, report: check(architecture, options: options))
    }

    /// Descriptors of every rule, for renderers and `strata explain`.
    public static var descriptors: [RuleDescriptor] { RuleRegistry.all.map(\.descriptor) }
}
