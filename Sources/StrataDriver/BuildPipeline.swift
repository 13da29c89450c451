import Foundation
import StrataDiagnostics
import StrataGen
import StrataModel

/// `strata build`: check, refuse while errors remain (unless forced), generate the selected targets, write atomically.
public struct BuildPipeline {
    /// What a build did.
    public enum Outcome {
        /// The spec has errors and `force` was off: nothing was written.
        case refused
        /// Generation failed: nothing was written.
        case failed(GenerationError)
        case written(OutputWriter.Summary)
    }

    public let targets: Set<BuildTarget>
    public let templatesDirectory: String?
    public let force: Bool

    public init(targets: Set<BuildTarget> = Set(BuildTarget.allCases), templatesDirectory: String? = nil, force: Bool = false) {
        self.targets = targets
        self.templatesDirectory = templatesDirectory
        self.force = force
    }

    /// Every target's name, in order (`strata build --targets`).
    public static var targetNames: [String] { BuildTarget.allCases.map(\.rawValue) }

    /// The targets of a comma-separated list (`--targets`); every target when nil.
    public static func targets(named list: String?) throws(UsageError) -> Set<BuildTarget> {
        guard let list else { return Set(BuildTarget.allCases) }
        var result: Set<BuildTarget> = []
        for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let target = BuildTarget(rawValue: name) else {
                throw UsageError("unknown target '\(name)'; targets are \(targetNames.joined(separator: ", "))")
            }
            result.insert(target)
        }
        if result.isEmpty { throw UsageError("--targets names no target") }
        return result
    }

    /// Generates every artifact of the selected targets (no writing). `plan` is the emitters' plan
    /// when the caller made it already (`strata up` runs from the same value); else it is made here, once.
    public func artifacts(for checked: CheckedSpec, specPath: String, plan: BuildPlan? = nil) throws -> [Artifact] {
        guard let analyses = checked.analyses, let report = checked.report else {
            throw GenerationError("the spec does not resolve into an architecture")
        }
        let input = GenerationInput(analyses: analyses, plan: plan ?? BuildPlan.make(analyses), specPath: specPath, check: report,
                                    ruleDescriptors: Pipeline.ruleDescriptors,
                                    templates: .standard(overrideDirectory: templatesDirectory),
                                    sources: checked.compilation.sources)
        // Generators are independent: run them on every core, then join their artifacts in
        // registry order so the result is the same as a sequential run.
        let generators = Pipeline.generators(for: targets)
        let results = GeneratorResults()
        DispatchQueue.concurrentPerform(iterations: generators.count) { index in
            results.set(index, Result { try generators[index].generate(input) })
        }
        return try generators.indices.flatMap { index in try results.get(index) }
    }

    /// Runs the build of a checked spec into `outputDirectory`.
    public func run(_ checked: CheckedSpec, specPath: String, outputDirectory: String, plan: BuildPlan? = nil) -> Outcome {
        if checked.analyses == nil || checked.compilation.hasErrors || (checked.hasErrors && !force) {
            return .refused
        }
        do {
            let artifacts = try artifacts(for: checked, specPath: specPath, plan: plan)
            return .written(try OutputWriter().write(artifacts, to: outputDirectory))
        } catch let error as GenerationError {
            return .failed(error)
        } catch {
            return .failed(GenerationError("\(error)"))
        }
    }
}

/// The results of generators running concurrently, by index.
private final class GeneratorResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: Result<[Artifact], any Error>] = [:]

    func set(_ index: Int, _ result: Result<[Artifact], any Error>) {
        lock.withLock { results[index] = result }
    }

    func get(_ index: Int) throws -> [Artifact] {
        try lock.withLock { results[index] ?? .failure(GenerationError("generator \(index) did not run")) }.get()
    }
}
