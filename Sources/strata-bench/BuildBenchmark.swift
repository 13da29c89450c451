import Foundation
import StrataDriver
import StrataGen
import StrataModel
import StrataRules
import StrataSyntax

/// `strata-bench --build N`: how long `strata build` takes to generate each target for an
/// N-service spec, in memory, and to write every config target into a fresh folder.
///
/// The config targets are everything but `swift` (whose package is compiled by `swift build`
/// afterwards) and `diagram` (measured by scripts/bench-diagram). Aim from the issue: every config
/// target generated in under 2 s for 1,000 services.
enum BuildBenchmark {
    static let configTargets: [BuildTarget] = [.envoy, .nginx, .registry, .k8s, .compose, .report]
    static let aimSeconds = 2.0
    static let aimServices = 1_000

    static func run(services: Int, runs: Int) -> Int32 {
        let text = SpecGenerator(services: services).generate()
        let bytes = Array(text.utf8)
        let path = "bench-\(services).strata"
        guard let spec = try? SpecLoader.load(path: path, read: { _ in bytes }) else {
            print("strata-bench: cannot load the generated spec")
            return 1
        }
        let (checked, checking) = timed { Pipeline.check(Pipeline.compile(spec)) }
        guard let analyses = checked.analyses, let report = checked.report else {
            print("strata-bench: the generated spec does not resolve")
            return 1
        }
        let input = GenerationInput(analyses: analyses, specPath: path, check: report, ruleDescriptors: Pipeline.ruleDescriptors,
                                    templates: .standard(overrideDirectory: nil), sources: checked.compilation.sources)

        print("strata-bench --build: \(services) services (\(bytes.count) bytes); check took \(fixed(checking, 2)) s (not counted below)")
        print("  generation in memory, median / min of \(runs) runs after one warm-up")
        print(Table.row(["target", "files", "MB", "seconds"], widths: [10, 7, 8, 17]))
        var configSeconds = 0.0
        for target in BuildTarget.allCases {
            let generators = Pipeline.generators(for: [target])
            let artifacts: [Artifact], times: [Double]
            do {
                (artifacts, times) = try timedRuns(runs) { try generators.flatMap { try $0.generate(input) } }
            } catch {
                print("strata-bench: \(target.rawValue) failed: \(error)")
                return 1
            }
            let megabytes = Double(artifacts.reduce(0) { $0 + $1.contents.count }) / 1_000_000
            let config = configTargets.contains(target)
            if config { configSeconds += median(times) }
            print(Table.row([target.rawValue + (config ? "" : " *"), "\(artifacts.count)", fixed(megabytes, 1),
                             "\(fixed(median(times), 3)) / \(fixed(times.min()!, 3))"], widths: [10, 7, 8, 17]))
        }
        print("  * not a config target: swift is compiled afterwards, diagram is measured by scripts/bench-diagram")

        // Every config target as `strata build --targets ...` runs them after checking (generators
        // in parallel), then written into a fresh folder.
        let pipeline = BuildPipeline(targets: Set(configTargets))
        let artifacts: [Artifact], pipelineTimes: [Double]
        do {
            (artifacts, pipelineTimes) = try timedRuns(runs) { try pipeline.artifacts(for: checked, specPath: path) }
        } catch {
            print("strata-bench: the build pipeline failed: \(error)")
            return 1
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-bench-build-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let written: Int, writing: Double
        do {
            (written, writing) = try timed { try OutputWriter().write(artifacts, to: folder).written.count }
        } catch {
            print("strata-bench: writing failed: \(error)")
            return 1
        }
        let generating = median(pipelineTimes)
        print("config targets (\(configTargets.map(\.rawValue).joined(separator: ","))): one after the other \(fixed(configSeconds, 3)) s; "
              + "as `strata build` runs them (in parallel) \(fixed(generating, 3)) s (min \(fixed(pipelineTimes.min()!, 3)))")
        print("writing their \(written) files into a fresh folder: \(fixed(writing, 3)) s")
        if services >= aimServices {
            print("aim: every config target of \(aimServices) services generated in < \(fixed(aimSeconds, 0)) s: \(generating < aimSeconds ? "met" : "MISSED")")
        } else {
            print("aim: for \(aimServices) services (< \(fixed(aimSeconds, 0)) s); this run has \(services)")
        }
        print("peak RSS \(fixed(peakRSSMegabytes(), 1)) MB")
        return 0
    }
}

/// `body`'s result and how many seconds it took.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let result = try body()
    return (result, seconds(start.duration(to: .now)))
}

/// One warm-up run of `body`, then `runs` timed ones: the last result and the timed seconds.
func timedRuns<T>(_ runs: Int, _ body: () throws -> T) rethrows -> (T, [Double]) {
    var (result, _) = try timed(body)
    var times: [Double] = []
    for _ in 0..<runs {
        let (next, t) = try timed(body)
        result = next
        times.append(t)
    }
    return (result, times)
}

extension Table {
    /// A row of right-aligned cells of the given widths.
    static func row(_ cells: [String], widths: [Int]) -> String {
        zip(cells, widths).map { pad($0, $1) }.joined(separator: "  ")
    }
}
