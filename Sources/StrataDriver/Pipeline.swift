import StrataAnalysis
import StrataDiagnostics
import StrataGen
import StrataModel
import StrataRules
import StrataSyntax

/// A compiled spec with its analyses and rule findings: the one typed value every later
/// stage (generators, diagrams, reports, `strata up`) consumes.
public struct CheckedSpec: Sendable {
    public let compilation: Compilation
    /// The architecture and its analyses; nil when the spec has compiler errors (no rule ran).
    public let analyses: ArchitectureAnalyses?
    /// The rules' findings (each with its subject) and skips; nil when no rule ran.
    public let report: CheckReport?

    /// The architecture, when the spec resolved into one (even with compiler errors).
    public var architecture: Architecture? { compilation.architecture }

    /// Compiler diagnostics followed by rule findings, in output order.
    public var diagnostics: [Diagnostic] {
        (compilation.diagnostics + (report?.diagnostics ?? [])).sortedForOutput()
    }

    /// Rules that could not fully run, and why.
    public var skipped: [SkippedRule] { report?.skipped ?? [] }

    /// True when an unsuppressed error remains (compiler or rule).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error && $0.suppression == nil } }

    /// This spec with its analyses; nil when it has compiler errors.
    public var analysed: AnalysedSpec? { analyses.map { AnalysedSpec(checked: self, analyses: $0) } }
}

/// A spec that compiled without compiler errors, and so has its analyses: what the commands
/// that need a sound architecture (`diagram`, `simulate`) work on.
public struct AnalysedSpec: Sendable {
    public let checked: CheckedSpec
    public let analyses: ArchitectureAnalyses

    /// The rules' findings; empty when the rules were not run.
    public var findings: [Diagnostic] { checked.report?.diagnostics ?? [] }
}

/// The pipeline: read → compile → analyse and check → generate / draw / run. Every command
/// goes through here, so that each stage runs once and hands its typed result downstream.
public enum Pipeline {
    /// Every descriptor a diagnostic can refer to: the compiler's catalogue codes, then the
    /// checker rules in registry order (`explain`, JSON, SARIF, JUnit and the report target).
    public static let ruleDescriptors: [RuleDescriptor] = RuleDescriptor.catalogue + Checker.descriptors

    /// Descriptors of the checker rules only.
    public static var rules: [RuleDescriptor] { Checker.descriptors }

    /// Loads `path` (and its includes) and compiles it. Includes must stay inside `includeRoot`
    /// (the folder of `path` when nil) and are refused otherwise (E0303–E0306; see
    /// docs/security.md). Throws ``SpecReadError`` only when the root file or the include root
    /// cannot be read, or the root file is not a regular file within the size limit;
    /// everything else is a diagnostic.
    public static func compile(path: String, includeRoot: String? = nil) throws(SpecReadError) -> Compilation {
        do {
            return Compiler.compile(try SpecLoader.load(path: path, includeRoot: includeRoot))
        } catch {
            throw SpecReadError(path: path, reason: "\(error)")
        }
    }

    /// Compiles an already loaded spec (`strata check` shares one source manager across specs).
    public static func compile(_ loaded: LoadedSpec) -> Compilation {
        Compiler.compile(loaded)
    }

    /// The analyses of a compilation without running the rules (`strata simulate`); nil when the
    /// spec has compiler errors.
    public static func analyse(_ compilation: Compilation) -> ArchitectureAnalyses? {
        guard let architecture = compilation.architecture, !compilation.hasErrors else { return nil }
        return ArchitectureAnalyses(architecture)
    }

    /// Analyses and checks a compilation. Rules run only when it resolved without compiler errors,
    /// and not at all without `runRules` (`strata simulate` needs the analyses alone).
    public static func check(_ compilation: Compilation, options: CheckOptions = CheckOptions(), runRules: Bool = true) -> CheckedSpec {
        guard let analyses = analyse(compilation) else {
            return CheckedSpec(compilation: compilation, analyses: nil, report: nil)
        }
        let report = runRules ? Checker.check(analyses, options: options) : nil
        return CheckedSpec(compilation: compilation, analyses: analyses, report: report)
    }

    /// Reads, compiles and checks `path` (without `runRules`, only analyses it).
    public static func check(path: String, options: CheckOptions = CheckOptions(), runRules: Bool = true) throws(SpecReadError) -> CheckedSpec {
        check(try compile(path: path), options: options, runRules: runRules)
    }

    /// Every generator of the selected targets, in the order their artifacts are joined.
    public static func generators(for targets: Set<BuildTarget>) -> [any Generator] {
        (GeneratorRegistry.all + [DiagramGenerator()]).filter { targets.contains($0.target) }
    }
}

/// The root spec file could not be read.
public struct SpecReadError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "cannot read \(VisibleText.escaped(path)): \(reason)" }
}
