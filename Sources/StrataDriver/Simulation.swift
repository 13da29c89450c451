import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `strata simulate`: which domains `--fail LEVEL:NAME` names, and the text answer of a what-if.
public enum FailureTarget {
    /// A usage problem with a `--fail` value.
    public struct Problem: Error, Sendable {
        public let message: String
    }

    /// The domain `value` (`LEVEL:NAME`) names, or what is wrong with it, with a suggestion.
    public static func domain(_ value: String, in topology: Topology) -> Result<DomainID, Problem> {
        let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let named = topology.domains.filter { $0.level != .global }
        guard parts.count == 2, !parts[1].isEmpty else {
            let name = parts[0]
            if let id = topology.domain(named: name), topology[id].level != .global {
                return .failure(Problem(message: "--fail \(value): write the level too: '--fail \(topology[id].level):\(name)'"))
            }
            return .failure(Problem(message: "--fail \(value): write LEVEL:NAME, e.g. '--fail idc:\(named.first { $0.level == .idc }?.name ?? "NAME")'"))
        }
        guard let level = DomainLevel(keyword: parts[0].lowercased()) else {
            return .failure(Problem(message: "--fail \(value): '\(parts[0])' is not a level (use one of: \(DomainLevel.listed))"))
        }
        let name = parts[1]
        if let id = topology.domain(named: name), topology[id].level != .global {
            let actual = topology[id].level
            if actual == level { return .success(id) }
            return .failure(Problem(message: "--fail \(value): \(name) is \(article(actual)) \(actual), not \(article(level)) \(level); write '--fail \(actual):\(name)'"))
        }
        let candidates = named.filter { $0.level == level }.map(\.name)
        var message = "--fail \(value): the spec has no \(level) called '\(name)'"
        if let guess = closest(name, in: candidates) {
            message += "; did you mean '\(level):\(guess)'?"
        } else if let guess = closest(name, in: named.map(\.name)), let id = topology.domain(named: guess) {
            message += "; did you mean '\(topology[id].level):\(guess)'?"
        }
        if candidates.isEmpty {
            message += " (it has no \(level) at all)"
        } else if candidates.count <= 12 {
            message += " (\(level) domains: \(candidates.joined(separator: ", ")))"
        }
        return .failure(Problem(message: message))
    }

    /// Checks the level of a `--fail LEVEL:NAME` value before any spec is read. A value without
    /// a name passes: ``domain(_:in:)`` reports it once the spec can suggest one.
    public static func checkLevel(_ value: String) throws(UsageError) {
        let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { return }
        guard DomainLevel(keyword: parts[0].lowercased()) != nil else {
            throw UsageError("--fail \(value): '\(parts[0])' is not a level (use one of: \(DomainLevel.listed))")
        }
    }

    private static func article(_ level: DomainLevel) -> String {
        level == .idc ? "an" : "a"
    }

    /// The candidate nearest to `name` by edit distance, when close enough to be a typo.
    private static func closest(_ name: String, in candidates: [String]) -> String? {
        EditDistance.closest(to: name.lowercased(), in: candidates) { max(1, $0.count / 4) }
    }
}

extension DomainLevel {
    /// `machine, rack, idc, city, region`.
    public static var listed: String { DomainLevel.named.map(\.description).joined(separator: ", ") }
}

/// Why a what-if has no answer.
public enum SimulationFailure: Error, Sendable {
    /// A `--fail` value names no domain of the spec (the problem says why, with a suggestion).
    case unknownDomain(FailureTarget.Problem)
    /// The call graph has a cycle, so latencies cannot be added up.
    case callCycle
}

/// The text answer of a what-if.
public struct SimulationText: Sendable {
    public let text: String
    /// True when some endpoint is unserved for some set, or the registry lost its quorum.
    public let somethingBroke: Bool

    /// Loses the domains `values` (`LEVEL:NAME`, each once) name together, and answers for every
    /// public endpoint and set; `path` is the spec as given, for the heading.
    public static func answer(_ spec: AnalysedSpec, path: String, failing values: [String], verbose: Bool) throws(SimulationFailure) -> SimulationText {
        let context = spec.analyses
        var failed: [DomainID] = []
        for value in values {
            switch FailureTarget.domain(value, in: context.architecture.topology) {
            case .success(let id):
                if !failed.contains(id) { failed.append(id) }
            case .failure(let problem):
                throw .unknownDomain(problem)
            }
        }
        let whatIf = WhatIf(context.deployment, failing: failed)
        guard whatIf.isComplete else { throw .callCycle }
        return SimulationText(spec: path, context: context, whatIf: whatIf, verbose: verbose)
    }

    /// The text of a computed what-if; `verbose` adds the hops of each latency.
    public init(spec: String, context: ArchitectureAnalyses, whatIf: WhatIf, verbose: Bool) {
        let architecture = context.architecture
        let topology = architecture.topology
        let graph = context.callGraph
        let before = context.latency()
        let state = FailureState(whatIf.failed, topology: topology)

        let lost = whatIf.failed.map(context.describe).joined(separator: ", ")
        var out = "what if \(lost) \(whatIf.failed.count == 1 ? "fails" : "fail together"): \(architecture.name) (\(VisibleText.escaped(spec)))\n"

        var down: [String] = []
        for component in architecture.components {
            let instances = architecture.instances[component] ?? []
            let dead = instances.filter { state.isDown($0.machine) }.count
            let name = component.kind == .registry ? "registry" : "\(component)"
            if dead > 0 { down.append("\(name) \(dead) of \(instances.count)") }
        }
        out += "instances lost: " + (down.isEmpty ? "none" : down.joined(separator: ", ")) + "\n"

        var served = 0, movedCount = 0, unserved = 0
        var seen: Set<String> = []
        var currentGroup: String?
        for row in whatIf.rows {
            guard seen.insert("\(row.endpoint) \(row.gateway) \(row.originSet)").inserted else { continue }
            let endpoint = architecture.endpoint(row.endpoint.service, row.endpoint.endpoint)
            let group = "\(row.endpoint) \(row.gateway)"
            if group != currentGroup {
                currentGroup = group
                let route = endpoint.map { "  \($0.method.rawValue) \($0.path)" } ?? ""
                out += "\n\(row.endpoint)\(route)  (gateway \(row.gateway))\n"
            }
            let users = "  users of \(row.originSet): "
            guard let servingSet = row.servedBy else {
                unserved += 1
                out += users + "NOT SERVED: " + (row.reason ?? "no set can serve it") + "\n"
                continue
            }
            served += 1
            var line = users
            if servingSet == row.originSet {
                line += "served by \(servingSet)"
            } else {
                movedCount += 1
                line += "served by \(servingSet) (failed over from \(row.originSet))"
            }
            if let latency = row.latency {
                line += ", p99 \(formatMilliseconds(latency.total))"
                let origin = architecture.sets.firstIndex { $0.name == row.originSet }
                let pe = graph.publicEndpoints.first { $0.endpoint == row.endpoint && $0.gateway == row.gateway }
                if let origin, let pe, let previous = before.path(pe, origin: origin, serving: origin)?.total {
                    line += previous == latency.total ? " (unchanged)" : " (was \(formatMilliseconds(previous)))"
                }
                if let budget = endpoint?.budgetMilliseconds?.value {
                    line += latency.total > budget ? ", OVER its \(formatMilliseconds(budget)) budget" : ", budget \(formatMilliseconds(budget))"
                }
            }
            out += line + "\n"
            if verbose, let latency = row.latency {
                for hop in latency.hops { out += "      \(hop)\n" }
            }
        }
        if whatIf.rows.isEmpty { out += "\nno public endpoints (no gateway routes to an endpoint)\n" }

        var registryLost = false
        if let registry = whatIf.registry {
            registryLost = registry.live < registry.needed
            out += "\nregistry: \(registry.live) of \(registry.voters) members alive, its quorum needs \(registry.needed): "
            out += registryLost ? "LOST, the control plane is down (no registration or discovery)\n" : "kept\n"
        }

        let total = served + unserved
        out += "\n\(served) of \(total) endpoint-set pairs served (\(movedCount) by another set), \(unserved) not served\n"
        text = out
        somethingBroke = unserved > 0 || registryLost
    }
}
