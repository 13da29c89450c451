import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `partition-availability`: a service claiming `cap ap` hard-depends on a quorum store whose voters span regions.
enum PartitionAvailabilityRule {
    static let rule = Rule(
        name: "partition-availability", severity: .error,
        title: "a service claiming `cap ap` hard-depends on a quorum store spread over regions",
        doc: """
        Fires on an endpoint of a service that claims `cap ap` when it depends, without an `optional` fallback, on \
        a quorum store (`consistency strong` or `replication sync`) whose voters sit in more than one region: \
        directly, by writing it or reading it (a `local` read answers from the nearest replica and needs no \
        quorum), or through a chain of calls that are neither `optional` nor `async`. Each endpoint is reported \
        once, at its step toward the nearest such store; the others are listed in a note. A partition between the \
        regions leaves the side with fewer voters without a quorum; there the store refuses, so the endpoint \
        refuses too, and the `ap` claim (keep answering during a partition) is false. Make the dependency \
        `optional` with a fallback, read `local`, move the dependency off the request path (`async`), keep the \
        store's voters in one region, or claim `cap cp` instead.
        """,
        run: { context in
            let architecture = context.architecture
            let graph = context.callGraph
            let apServices = architecture.services.filter { $0.cap?.value == .ap }
            guard !apServices.isEmpty else { return RuleOutcome() }
            let spanning = regionSpanningQuorumStores(architecture)
            guard !spanning.isEmpty else { return RuleOutcome() }
            let starts = apServices.flatMap { s in s.endpoints.compactMap { graph.indexOf[EndpointID(s.name, $0.name)] } }
            let tracked = architecture.stores.filter { spanning[$0.name] != nil }
            let dependencies = StoreDependencies(graph: graph, architecture: architecture, stores: tracked.map(\.name), from: starts)
            var findings: [Finding] = []
            for service in apServices {
                for endpoint in service.endpoints {
                    guard let e = graph.indexOf[EndpointID(service.name, endpoint.name)], dependencies.distance[e] >= 0 else { continue }
                    // Name the closest store (the endpoint's own read or write first); list the others.
                    let nearest = dependencies.nearest[e]
                    let store = tracked[nearest]
                    let spread = spanning[store.name]!
                    let q = max(store.readQuorum, store.writeQuorum)
                    let name = "\(service.name).\(endpoint.name)"
                    var notes: [String] = []
                    if dependencies.distance[e] > 0 { notes.append("dependency path: " + dependencies.describe(from: e)) }
                    notes.append("a partition between the regions leaves one side with fewer than \(q) of the "
                                 + "\(spread.voters) voters; there the store refuses, so \(name) refuses too")
                    let others = dependencies.stores(reachedFrom: e, limit: PlacementSupport.listLimit, excluding: nearest)
                    if others.total > 0 {
                        notes.append("\(name) also hard-depends on \(PlacementSupport.count(others.total, "other such store")): "
                                     + PlacementSupport.list(others.first.map { tracked[$0].name }, total: others.total))
                    }
                    findings.append(Finding(
                        "service \(service.name) claims `cap ap`, but \(name) hard-depends on quorum store "
                            + "\(store.name), whose voters span \(spread.regions) regions (\(spread.listing))",
                        at: dependencies.firstStep(from: e), label: "hard dependency on \(store.name)",
                        secondary: service.cap.map { [Label($0.span, "availability during partitions claimed here")] } ?? [],
                        notes: notes,
                        help: "make the dependency `optional` with a fallback, read `local`, keep \(store.name)'s voters in one "
                            + "region, or claim `cap cp`",
                        subject: .endpoint(service: service.name, endpoint: endpoint.name)))
                }
            }
            return RuleOutcome(findings: findings)
        })

    /// How a store's voters are spread over regions.
    private struct RegionSpread {
        let voters: Int
        let regions: Int
        let listing: String
    }

    /// Quorum stores with a voter group (each set's copy when placed `per set`) in more than one region.
    private static func regionSpanningQuorumStores(_ architecture: Architecture) -> [String: RegionSpread] {
        let topology = architecture.topology
        var result: [String: RegionSpread] = [:]
        for store in architecture.stores where store.needsQuorum {
            let instances = architecture.instances[ComponentID(.store, store.name)] ?? []
            var groups: [Int: [Instance]] = [:]
            for i in instances { groups[store.placement.isStriped ? (i.set ?? -1) : -1, default: []].append(i) }
            for key in groups.keys.sorted() {
                let voters = groups[key]!
                let counts = PlacementSupport.DomainCounts(voters, at: .region, in: topology)
                if counts.order.count > 1 {
                    result[store.name] = RegionSpread(voters: voters.count, regions: counts.order.count, listing: counts.listing(topology))
                    break
                }
            }
        }
        return result
    }
}

/// Which of the tracked stores each endpoint depends on through its own writes and non-`local` reads or through
/// hard calls (neither `optional` nor `async`), for the endpoints reachable from `from`. Two linear passes,
/// however many stores are tracked: a breadth-first walk backward from every access at once leaves each
/// endpoint its nearest tracked store and the next hop toward it (so a path prints in constant time), and
/// dynamic programming over the strongly connected components of the hard calls gives each endpoint the set
/// of every tracked store it reaches (one bit per store).
private struct StoreDependencies {
    /// A write or non-`local` read of a tracked store (index into `stores`).
    struct Access {
        let store: Int
        let span: Span
        let write: Bool
    }

    let graph: CallGraph
    let stores: [String]
    /// Per endpoint: the distance in calls to its nearest tracked store (-1: none) and that store.
    private(set) var distance: [Int]
    private(set) var nearest: [Int]
    /// Per endpoint: the call (index into its calls) its path starts with; -1 when it accesses the store itself.
    private var nextEdge: [Int]
    /// Per endpoint: its own accesses of tracked stores, the first of each store in step order.
    private var accesses: [[Access]]
    /// Per endpoint: the endpoint at distance 1 on its path (itself at distance 0 or 1), where the last hops start.
    private var lastButOne: [Int]
    private let components: CallGraph.StronglyConnectedComponents
    private let words: Int
    /// Per component of the hard-call graph: the tracked stores reached, as a bitset (empty when not computed).
    private var reach: [[UInt64]]

    init(graph: CallGraph, architecture: Architecture, stores: [String], from starts: [Int]) {
        self.graph = graph
        self.stores = stores
        let n = graph.endpoints.count
        var bit: [String: Int] = [:]
        for (i, name) in stores.enumerated() { bit[name] = i }
        distance = Array(repeating: -1, count: n)
        nearest = Array(repeating: -1, count: n)
        nextEdge = Array(repeating: -1, count: n)
        accesses = Array(repeating: [], count: n)
        lastButOne = Array(0..<n)

        // Endpoints reachable from the starts through hard calls, the hard calls into them, and their accesses.
        var relevant = Array(repeating: false, count: n)
        var callers = Array(repeating: [(caller: Int, edge: Int)](), count: n)
        var queue: [Int] = []
        for s in starts where !relevant[s] { relevant[s] = true; queue.append(s) }
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for (k, edge) in graph.calls[v].enumerated() where edge.call.isHard {
                callers[edge.callee].append((v, k))
                if !relevant[edge.callee] { relevant[edge.callee] = true; queue.append(edge.callee) }
            }
            let id = graph.endpoints[v]
            guard let endpoint = architecture.endpoint(id.service, id.endpoint) else { continue }
            var own: [Access] = []
            forEachStep(endpoint.steps) { step in
                switch step {
                case .write(let a):
                    if let b = bit[a.store], !own.contains(where: { $0.store == b }) { own.append(Access(store: b, span: a.span, write: true)) }
                case .read(let a) where !a.local:
                    if let b = bit[a.store], !own.contains(where: { $0.store == b }) { own.append(Access(store: b, span: a.span, write: false)) }
                default:
                    break
                }
            }
            accesses[v] = own
        }

        // Backward from every access at once: each endpoint keeps the store it is first reached from.
        var frontier: [Int] = []
        for v in queue.sorted() where !accesses[v].isEmpty {
            distance[v] = 0
            nearest[v] = accesses[v][0].store
            frontier.append(v)
        }
        head = 0
        while head < frontier.count {
            let w = frontier[head]
            head += 1
            for (u, k) in callers[w] where distance[u] < 0 {
                distance[u] = distance[w] + 1
                nearest[u] = nearest[w]
                nextEdge[u] = k
                lastButOne[u] = distance[u] == 1 ? u : lastButOne[w]
                frontier.append(u)
            }
        }

        // Every store reached, per component, callees first.
        components = graph.stronglyConnectedComponents { $0.isHard }
        words = (stores.count + 63) / 64
        reach = Array(repeating: [], count: components.components.count)
        for (c, members) in components.components.enumerated() where relevant[members[0]] {
            var bits = [UInt64](repeating: 0, count: words)
            for m in members {
                for a in accesses[m] { bits[a.store / 64] |= 1 << UInt64(a.store % 64) }
                for (w, call) in graph.calls[m] where call.isHard {
                    let d = components.componentOf[w]
                    guard d != c else { continue }
                    for k in 0..<words { bits[k] |= reach[d][k] }
                }
            }
            reach[c] = bits
        }
    }

    /// Up to `limit` of the tracked stores `e` depends on other than `excluded`, in declaration order, and how
    /// many there are in all.
    func stores(reachedFrom e: Int, limit: Int, excluding excluded: Int) -> (first: [Int], total: Int) {
        let bits = reach[components.componentOf[e]]
        var first: [Int] = []
        var total = 0
        for (k, word) in bits.enumerated() {
            var w = word
            if excluded / 64 == k { w &= ~(1 << UInt64(excluded % 64)) }
            total += w.nonzeroBitCount
            while w != 0, first.count < limit {
                first.append(k * 64 + w.trailingZeroBitCount)
                w &= w - 1
            }
        }
        return (first, total)
    }

    /// The step of `e` the dependency starts with: its own read or write, or the call toward the store.
    func firstStep(from e: Int) -> Span {
        nextEdge[e] >= 0 ? graph.calls[e][nextEdge[e]].call.span : ownAccess(e).span
    }

    private func ownAccess(_ v: Int) -> Access {
        accesses[v].first { $0.store == nearest[v] }!
    }

    /// `a.get → b.get → writes db`, with the middle of a long path elided.
    func describe(from e: Int) -> String {
        func walk(from v: Int, limit: Int) -> [String] {
            var hops: [String] = []
            var cursor = v
            while hops.count < limit {
                hops.append(graph.endpoints[cursor].description)
                guard nextEdge[cursor] >= 0 else {
                    hops.append((ownAccess(cursor).write ? "writes " : "reads ") + stores[nearest[cursor]])
                    break
                }
                cursor = graph.calls[cursor][nextEdge[cursor]].callee
            }
            return hops
        }
        // distance + 1 endpoints, then the access.
        let total = distance[e] + 2
        guard total > 7 else { return walk(from: e, limit: total).joined(separator: " → ") }
        return (walk(from: e, limit: 3) + ["…"] + walk(from: lastButOne[e], limit: 3)).joined(separator: " → ")
    }
}
