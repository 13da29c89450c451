import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `partition-availability`: a service claiming `cap ap` hard-depends on a quorum store whose voters span regions.
enum PartitionAvailabilityRule {
    static let rule = Rule(
        name: "partition-availability", severity: .error,
        title: "a service claiming `cap ap` hard-depends on a quorum store spread over regions",
        doc: """
        Fires on each endpoint of a service that claims `cap ap` and depends, without an `optional` fallback, on \
        a quorum store (`consistency strong` or `replication sync`) whose voters sit in more than one region: \
        directly, by writing it or reading it (a `local` read answers from the nearest replica and needs no \
        quorum), or through a chain of calls that are neither `optional` nor `async`. A partition between the \
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
            let dependencies = StoreDependencies(graph: graph, architecture: architecture, from: starts)
            var findings: [Finding] = []
            for store in architecture.stores {
                guard let spread = spanning[store.name], let paths = dependencies.paths(to: store.name) else { continue }
                let q = max(store.readQuorum, store.writeQuorum)
                for service in apServices {
                    for endpoint in service.endpoints {
                        guard let e = graph.indexOf[EndpointID(service.name, endpoint.name)], paths.reaches(e) else { continue }
                        let name = "\(service.name).\(endpoint.name)"
                        var notes: [String] = []
                        if paths.distance[e] > 0 { notes.append("dependency path: " + paths.describe(from: e)) }
                        notes.append("a partition between the regions leaves one side with fewer than \(q) of the "
                                     + "\(spread.voters) voters; there the store refuses, so \(name) refuses too")
                        findings.append(Finding(
                            "service \(service.name) claims `cap ap`, but \(name) hard-depends on quorum store "
                                + "\(store.name), whose voters span \(spread.regions) regions (\(spread.listing))",
                            at: paths.firstStep(from: e), label: "hard dependency on \(store.name)",
                            secondary: service.cap.map { [Label($0.span, "availability during partitions claimed here")] } ?? [],
                            notes: notes,
                            help: "make the dependency `optional` with a fallback, read `local`, keep \(store.name)'s voters in one "
                                + "region, or claim `cap cp`",
                            subject: .endpoint(service: service.name, endpoint: endpoint.name)))
                    }
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

/// Which endpoints depend on a store through their own writes and non-`local` reads or through hard calls
/// (neither `optional` nor `async`), restricted to the endpoints reachable from `from`. One backward
/// breadth-first walk per store over the hard calls (linear in endpoints and calls); it leaves each
/// endpoint the next hop of a shortest path to the store, so a path prints in constant time.
private struct StoreDependencies {
    let graph: CallGraph
    let architecture: Architecture
    /// Endpoints reachable from the starts through hard calls.
    private var relevant: [Bool]
    /// Hard calls into each relevant endpoint from relevant callers: (caller, index into the caller's calls).
    private var callers: [[(caller: Int, edge: Int)]]
    /// Direct accesses of each relevant endpoint, store name → (span, "writes db"), first in step order.
    private var accesses: [[String: (span: Span, text: String)]]

    init(graph: CallGraph, architecture: Architecture, from starts: [Int]) {
        self.graph = graph
        self.architecture = architecture
        let n = graph.endpoints.count
        relevant = Array(repeating: false, count: n)
        callers = Array(repeating: [], count: n)
        accesses = Array(repeating: [:], count: n)
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
            forEachStep(endpoint.steps) { step in
                switch step {
                case .write(let a) where accesses[v][a.store] == nil: accesses[v][a.store] = (a.span, "writes \(a.store)")
                case .read(let a) where !a.local && accesses[v][a.store] == nil: accesses[v][a.store] = (a.span, "reads \(a.store)")
                default: break
                }
            }
        }
    }

    /// Shortest hard paths from every relevant endpoint to `store`; nil when no relevant endpoint touches it.
    func paths(to store: String) -> StorePaths? {
        var paths = StorePaths(graph: graph, count: graph.endpoints.count)
        var queue: [Int] = []
        for v in 0..<graph.endpoints.count where relevant[v] {
            if let access = accesses[v][store] {
                paths.distance[v] = 0
                paths.access[v] = access
                paths.lastButOne[v] = v
                queue.append(v)
            }
        }
        guard !queue.isEmpty else { return nil }
        var head = 0
        while head < queue.count {
            let w = queue[head]
            head += 1
            for (u, k) in callers[w] where paths.distance[u] < 0 {
                paths.distance[u] = paths.distance[w] + 1
                paths.next[u] = (w, k)
                paths.lastButOne[u] = paths.distance[u] == 1 ? u : paths.lastButOne[w]
                queue.append(u)
            }
        }
        return paths
    }
}

/// Shortest hard paths to one store: each endpoint's distance (-1: none) and next hop.
private struct StorePaths {
    let graph: CallGraph
    var distance: [Int]
    var next: [(callee: Int, edge: Int)?]
    /// For endpoints that access the store themselves: where and how.
    var access: [(span: Span, text: String)?]
    /// The endpoint at distance 1 on the path (itself at distance 0 or 1): where the last three hops start.
    var lastButOne: [Int]

    init(graph: CallGraph, count: Int) {
        self.graph = graph
        distance = Array(repeating: -1, count: count)
        next = Array(repeating: nil, count: count)
        access = Array(repeating: nil, count: count)
        lastButOne = Array(0..<count)
    }

    func reaches(_ e: Int) -> Bool { distance[e] >= 0 }

    /// The step of `e` the dependency starts with: its own read or write, or the call toward the store.
    func firstStep(from e: Int) -> Span {
        if let hop = next[e] { return graph.calls[e][hop.edge].call.span }
        return access[e]!.span
    }

    /// `a.get → b.get → writes db`, with the middle of a long path elided.
    func describe(from e: Int) -> String {
        func walk(from v: Int, limit: Int) -> [String] {
            var hops: [String] = []
            var cursor = v
            while hops.count < limit {
                hops.append(graph.endpoints[cursor].description)
                guard let (callee, _) = next[cursor] else { hops.append(access[cursor]!.text); break }
                cursor = callee
            }
            return hops
        }
        // distance + 1 endpoints, then the access.
        let total = distance[e] + 2
        guard total > 7 else { return walk(from: e, limit: total).joined(separator: " → ") }
        return (walk(from: e, limit: 3) + ["…"] + walk(from: lastButOne[e], limit: 3)).joined(separator: " → ")
    }
}
