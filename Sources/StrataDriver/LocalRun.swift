import Foundation
import StrataAnalysis
import StrataGen
import StrataRun

/// `strata up`: the run plan of a checked spec, from the emitters' plans.
public enum LocalRun {
    /// The targets `strata up` builds before running.
    public static let targets: Set<BuildTarget> = [.swift, .envoy, .nginx, .registry]

    /// The default work folder of a run: `.strata/up/<architecture>`.
    public static func defaultWork(_ analyses: ArchitectureAnalyses) -> String { ".strata/up/\(analyses.architecture.name)" }

    /// What runs, and where, for a checked spec built into `work`, from the emitters' plan (the
    /// same ``BuildPlan`` value the build is generated from).
    public static func plan(_ analyses: ArchitectureAnalyses, build: BuildPlan? = nil, work: URL, proxy: ProxyChoice, scratchPath: String?,
                            release: Bool) -> UpPlan {
        UpPlan(analyses: analyses, build: build ?? BuildPlan.make(analyses), work: work, proxy: proxy, scratchPath: scratchPath, release: release)
    }

    /// The state files `strata down` stops: `path` itself (a state.json, a run folder or a work
    /// folder), or every run under `.strata/up` when nil.
    public static func stateFiles(_ path: String?) -> [String] {
        let manager = FileManager.default
        guard let path else {
            let root = ".strata/up"
            let names = (try? manager.contentsOfDirectory(atPath: root)) ?? []
            return names.sorted().map { "\(root)/\($0)/run/state.json" }.filter { manager.fileExists(atPath: $0) }
        }
        for candidate in [path, "\(path)/state.json", "\(path)/run/state.json"] {
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue { return [candidate] }
        }
        return []
    }
}
