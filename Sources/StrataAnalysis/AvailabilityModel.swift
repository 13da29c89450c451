import Foundation
import StrataModel

/// The composite availability model of checks.md.
///
/// - A component's availability is exact over the failure-domain tree: the
///   probability that at least k of its instances are up (k = 1, or the quorum
///   a store or registry needs), with every domain failing independently at its
///   level's availability — so redundancy across distinct domains combines as
///   1−∏(1−a) and quorums as a k-of-n sum, and shared ancestors count once.
/// - Striped components of one set are taken conditional on the set's domain
///   being up, and the set's domain chain is multiplied once per set path.
/// - Hard dependencies multiply (a dependency reached over two call paths is
///   counted twice, which errs low).
/// - With `failover nearest` a request succeeds when any set's path works:
///   1−∏(1−p_set); the result is bounded by the domains all those sets share.
///
/// It is therefore an estimate, not an exact figure; the report says so.
public struct AvailabilityModel: Sendable {
    /// Estimated availability of one public endpoint for the users of one set.
    public struct Estimate: Sendable {
        public let availability: Double
        /// What limits it most, e.g. "store orders-db (99.9990%)" or "region east, shared by every set (99.9990%)".
        public let bottleneck: String
    }

    /// Per public endpoint, per origin set.
    public let estimates: [[Estimate]]
    public let isComplete: Bool
    /// A one-line statement of the model, for reports.
    public static let method = "estimate: exact per component over the failure-domain tree, hard dependencies multiplied, sets combined by failover, bounded by shared domains"

    public init(_ deployment: Deployment) {
        guard let order = deployment.graph.calleesFirstOrder() else {
            estimates = []
            isComplete = false
            return
        }
        isComplete = true
        let terms = ComponentTerms(deployment)
        let closure = DependencyClosure(deployment, terms: terms, order: order)
        estimates = deployment.graph.publicEndpoints.map { AvailabilityModel.estimates(for: $0, deployment, terms, closure) }
    }

    /// Phase 1: the availability of every component. Domains shared by every instance count once:
    /// `global` is the lowest common ancestor of all instances, `local[t]` that of set t's striped
    /// instances, and components are taken conditional on them.
    private struct ComponentTerms {
        let calc: ComponentAvailability
        let global: DomainID
        /// The availability of `global` and its ancestors.
        let globalChain: Double
        /// Per set: the chain of the set's common domain below the global one.
        let chain: [Double]
        /// Per component, per set: a striped component's availability inside the set (1 for a shared component).
        let striped: [[Double]]
        /// Per component: a shared component's availability (1 for a striped component).
        let shared: [Double]

        init(_ d: Deployment) {
            let arch = d.architecture
            let topology = arch.topology
            let setCount = d.setCount
            let calc = ComponentAvailability(topology: topology)
            let allMachines = d.instancesBySet.flatMap { $0.flatMap { $0.map(\.machine) } }
            let global = calc.lowestCommonAncestor(allMachines) ?? topology.root
            let local: [DomainID] = (0..<setCount).map { t in
                let machines = d.components.indices.filter { d.striped[$0] }.flatMap { d.instancesBySet[$0][t].map(\.machine) }
                return calc.lowestCommonAncestor(machines) ?? arch.sets[t].domain
            }
            var striped: [[Double]] = []
            var shared: [Double] = []
            for c in d.components.indices {
                let k = AvailabilityModel.needed(d, c)
                if d.striped[c] {
                    striped.append((0..<setCount).map { t in
                        calc.atLeast(k, of: d.instancesBySet[c][t].map(\.machine), below: local[t])
                    })
                    shared.append(1)
                } else {
                    striped.append(Array(repeating: 1, count: setCount))
                    shared.append(calc.atLeast(k, of: d.instancesBySet[c][0].map(\.machine), below: global))
                }
            }
            self.calc = calc
            self.global = global
            globalChain = calc.chainAvailability(from: global, upTo: nil)
            chain = local.map { calc.chainAvailability(from: $0, upTo: global) }
            self.striped = striped
            self.shared = shared
        }
    }

    /// Phase 2: the dependency closure of every endpoint, composed over the call DAG callees first:
    /// the log-availability of everything it hard-depends on and the weakest such component, kept
    /// apart for striped components (per set) and shared ones.
    private struct DependencyClosure {
        private(set) var logStriped: [[Double]]
        private(set) var logShared: [Double]
        /// The weakest component (-1 for none), per endpoint (and per set for striped ones).
        private(set) var weakestStriped: [[Int]]
        private(set) var weakestShared: [Int]

        init(_ d: Deployment, terms: ComponentTerms, order: [Int]) {
            let setCount = d.setCount
            let n = d.graph.endpoints.count
            let striped = terms.striped, shared = terms.shared
            logStriped = Array(repeating: Array(repeating: 0.0, count: setCount), count: n)
            logShared = Array(repeating: 0.0, count: n)
            weakestStriped = Array(repeating: Array(repeating: -1, count: setCount), count: n)
            weakestShared = Array(repeating: -1, count: n)
            let requirements = SimulationEngine.requirements(d)
            let weaker = AvailabilityModel.weaker
            for e in order {
                var deps: [Int] = []  // components
                if d.endpointService[e] >= 0 { deps.append(d.endpointService[e]) }
                for r in requirements[e] {
                    switch r {
                    case .call(let callee):
                        for t in 0..<setCount {
                            logStriped[e][t] += logStriped[callee][t]
                            weakestStriped[e][t] = weaker(weakestStriped[e][t], weakestStriped[callee][t]) { striped[$0][t] }
                        }
                        logShared[e] += logShared[callee]
                        weakestShared[e] = weaker(weakestShared[e], weakestShared[callee]) { shared[$0] }
                    case .read(let store, _), .write(let store):
                        deps.append(store)
                    }
                }
                for c in Set(deps) {
                    if d.striped[c] {
                        for t in 0..<setCount {
                            logStriped[e][t] += log(striped[c][t])
                            weakestStriped[e][t] = weaker(weakestStriped[e][t], c) { striped[$0][t] }
                        }
                    } else {
                        logShared[e] += log(shared[c])
                        weakestShared[e] = weaker(weakestShared[e], c) { shared[$0] }
                    }
                }
            }
        }
    }

    /// Of two components (-1 for none), the one with the lower `value`; `a` on a tie.
    private static func weaker(_ a: Int, _ b: Int, _ value: (Int) -> Double) -> Int {
        if a < 0 { return b }
        if b < 0 { return a }
        return value(b) < value(a) ? b : a
    }

    /// Phase 3: the estimates of one public endpoint, one per origin set (none when its endpoint or gateway is unknown).
    private static func estimates(for pe: PublicEndpoint, _ d: Deployment, _ terms: ComponentTerms, _ closure: DependencyClosure) -> [Estimate] {
        guard let e = d.graph.indexOf[pe.endpoint], let g = d.index(of: ComponentID(.gateway, pe.gateway)) else { return [] }
        return (0..<d.setCount).map { origin in estimate(endpoint: e, gateway: g, origin: origin, d, terms, closure) }
    }

    /// The estimate for users of set `origin`: any candidate set's path may serve them (all sets under
    /// `failover nearest`), bounded by the domains those sets share; and its largest single contributor.
    private static func estimate(endpoint e: Int, gateway g: Int, origin: Int, _ d: Deployment,
                                 _ terms: ComponentTerms, _ closure: DependencyClosure) -> Estimate {
        let arch = d.architecture
        let topology = arch.topology
        let striped = terms.striped, shared = terms.shared, chain = terms.chain
        let global = terms.global, globalChain = terms.globalChain
        let candidates = arch.striping.failover == .nearest ? Array(0..<d.setCount) : [origin]
        var sharedPart = exp(closure.logShared[e])
        var sharedWeakest = closure.weakestShared[e]
        if !d.striped[g] {
            sharedPart *= shared[g]
            sharedWeakest = weaker(sharedWeakest, g) { shared[$0] }
        }
        var allFail = 1.0
        for t in candidates {
            var p = chain[t] * exp(closure.logStriped[e][t])
            if d.striped[g] { p *= striped[g][t] }
            allFail *= (1 - p)
        }
        let setsPart = 1 - allFail
        let common = terms.calc.commonChain(candidates.map { arch.sets[$0].domain })
        let value = min(globalChain * sharedPart * setsPart, common.availability)
        // The bottleneck: the largest single contribution to unavailability.
        var options: [(Double, String)] = []
        if sharedWeakest >= 0 {
            options.append((1 - shared[sharedWeakest], "\(d.components[sharedWeakest]) (\(percent(shared[sharedWeakest])))"))
        }
        if candidates.count == 1 {
            let t = candidates[0]
            var w = closure.weakestStriped[e][t]
            if d.striped[g] { w = weaker(w, g) { striped[$0][t] } }
            options.append((1 - chain[t], "the domain of set \(arch.sets[t].name) (\(percent(chain[t])))"))
            if w >= 0 { options.append((1 - striped[w][t], "\(d.components[w]) in set \(arch.sets[t].name) (\(percent(striped[w][t])))")) }
        } else {
            options.append((allFail, "losing every set at once (\(percent(setsPart)))"))
        }
        if globalChain < 1, global != topology.root {
            options.append((1 - globalChain, "\(topology[global].level) \(topology[global].name), which holds every instance (\(percent(globalChain)))"))
        }
        if let name = common.name, common.availability < globalChain * sharedPart * setsPart {
            options.append((1 - common.availability, "\(name), shared by every set (\(percent(common.availability)))"))
        }
        let bottleneck = options.max { $0.0 < $1.0 }?.1 ?? "nothing"
        return Estimate(availability: value, bottleneck: bottleneck)
    }

    /// Instances that must be up: a store's (write) quorum, the registry's majority, else one.
    static func needed(_ d: Deployment, _ c: Int) -> Int {
        let id = d.components[c]
        let voters = d.striped[c] ? (d.instancesBySet[c].first?.count ?? 1) : d.instancesBySet[c][0].count
        switch id.kind {
        case .store:
            guard let store = d.architecture.store(id.name) else { return 1 }
            return Deployment.quorumNeeded(store, voters: voters, write: true)
        case .registry:
            return voters / 2 + 1
        default:
            return 1
        }
    }
}

/// Formats an availability as a percentage with four decimals: `99.9950%`.
public func percent(_ a: Double) -> String {
    String(format: "%.4f%%", a * 100)
}

/// Exact k-of-n availability of instances over the domain tree.
struct ComponentAvailability {
    let topology: Topology

    func availability(of domain: DomainID) -> Double {
        let level = topology[domain].level
        if level == .global { return 1 }
        return topology.availability[level] ?? Topology.defaultAvailability[level] ?? 1
    }

    /// P(at least k of the instances on `machines` are up), given that `stop` and its ancestors are up.
    func atLeast(_ k: Int, of machines: [DomainID], below stop: DomainID) -> Double {
        guard k > 0 else { return 1 }
        guard machines.count >= k else { return 0 }
        // Count instances per machine, then fold distributions upward level by level.
        var dist: [DomainID: [Double]] = [:]
        var counts: [DomainID: Int] = [:]
        for m in machines { counts[m, default: 0] += 1 }
        for (m, count) in counts {
            let a = m == stop ? 1 : availability(of: m)
            var v = Array(repeating: 0.0, count: k + 1)
            v[0] = 1 - a
            v[min(count, k)] += a
            dist[m] = v
        }
        var level = DomainLevel.machine
        while level < topology[stop].level {
            var parents: [DomainID: [Double]] = [:]
            var keep: [DomainID: [Double]] = [:]
            for (node, v) in dist {
                guard topology[node].level == level, let parent = topology[node].parent, node != stop else { keep[node] = v; continue }
                parents[parent] = parents[parent].map { convolve($0, v, k) } ?? v
            }
            for (p, v) in parents {
                let a = (p == stop || topology.contains(p, stop)) ? 1 : availability(of: p)
                var out = v.map { $0 * a }
                out[0] += 1 - a
                keep[p] = keep[p].map { convolve($0, out, k) } ?? out
            }
            dist = keep
            guard let next = DomainLevel(rawValue: level.rawValue + 1) else { break }
            level = next
        }
        var total: [Double] = [1] + Array(repeating: 0, count: k)
        for v in dist.values { total = convolve(total, v, k) }
        return total[k]
    }

    /// The deepest domain containing every machine (nil for none).
    func lowestCommonAncestor(_ machines: [DomainID]) -> DomainID? {
        guard let first = machines.first else { return nil }
        var chain = [first] + topology.ancestors(of: first).dropFirst()
        for m in Set(machines) where m != first {
            let other = Set(topology.ancestors(of: m))
            chain = chain.filter { other.contains($0) }
        }
        return chain.first ?? topology.root
    }

    /// Availability of `from` and its ancestors, stopping before `upTo` (nil: up to the root).
    func chainAvailability(from: DomainID, upTo: DomainID?) -> Double {
        var a = 1.0
        for d in topology.ancestors(of: from) {
            if d == upTo { break }
            a *= availability(of: d)
        }
        return a
    }

    /// Distribution of the sum of two independent counts, counts ≥ k pooled in bucket k.
    func convolve(_ a: [Double], _ b: [Double], _ k: Int) -> [Double] {
        var out = Array(repeating: 0.0, count: k + 1)
        for (i, x) in a.enumerated() where x != 0 {
            for (j, y) in b.enumerated() where y != 0 { out[min(i + j, k)] += x * y }
        }
        return out
    }

    /// The availability of the domains every one of `domains` lies in (their common ancestors), and the largest one's name.
    func commonChain(_ domains: [DomainID]) -> (availability: Double, name: String?) {
        guard let first = domains.first else { return (1, nil) }
        var common = topology.ancestors(of: first)
        for d in domains.dropFirst() {
            let chain = Set(topology.ancestors(of: d))
            common = common.filter { chain.contains($0) }
        }
        let a = common.reduce(1.0) { $0 * availability(of: $1) }
        return (a, common.last.map { "\(topology[$0].level) \(topology[$0].name)" })
    }
}
