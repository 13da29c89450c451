import StrataModel

/// Dense indexes over a placed architecture, shared by the analyses:
/// components numbered, instances grouped by set, each machine's ancestor chain.
public final class Deployment: Sendable {
    public let architecture: Architecture
    public let graph: CallGraph
    /// Every placed component, in canonical order.
    public let components: [ComponentID]
    public let componentIndex: [ComponentID: Int]
    /// True when the component is placed `per set`.
    public let striped: [Bool]
    /// Instances of each component per set (striped), or all in slot 0 (shared).
    public let instancesBySet: [[[Instance]]]
    /// Service component index of each endpoint of ``graph``.
    public let endpointService: [Int]
    /// Number of sets.
    public let setCount: Int
    /// The model of each endpoint of ``graph`` (same numbering).
    public let endpointModels: [Endpoint]
    /// Each endpoint's steps with names resolved to indices (same numbering).
    let resolvedSteps: [[ResolvedStep]]

    public init(_ architecture: Architecture, graph: CallGraph) {
        self.architecture = architecture
        self.graph = graph
        components = architecture.components
        var index: [ComponentID: Int] = [:]
        for (i, c) in components.enumerated() { index[c] = i }
        componentIndex = index
        setCount = architecture.sets.count
        var striped: [Bool] = []
        var bySet: [[[Instance]]] = []
        for c in components {
            let isStriped = architecture.placement(of: c)?.isStriped ?? false
            striped.append(isStriped)
            let instances = architecture.instances[c] ?? []
            if isStriped {
                var groups = Array(repeating: [Instance](), count: architecture.sets.count)
                for i in instances { if let s = i.set { groups[s].append(i) } }
                bySet.append(groups)
            } else {
                bySet.append([instances])
            }
        }
        self.striped = striped
        instancesBySet = bySet
        endpointService = graph.endpoints.map { index[ComponentID(.service, $0.service)] ?? -1 }
        let models = graph.endpoints.map { architecture.endpoint($0.service, $0.endpoint)! }
        endpointModels = models
        func resolve(_ steps: [Step]) -> [ResolvedStep] {
            steps.map { step in
                switch step {
                case .work(let ms, _): return .work(ms)
                case .call(let call):
                    return .call(call, endpoint: graph.indexOf[EndpointID(call.service, call.endpoint)] ?? -1,
                                 component: index[ComponentID(.service, call.service)] ?? -1)
                case .read(let access):
                    return .read(access, component: index[ComponentID(.store, access.store)] ?? -1, store: architecture.store(access.store))
                case .write(let access):
                    return .write(access, component: index[ComponentID(.store, access.store)] ?? -1, store: architecture.store(access.store))
                case .parallel(let inner, _): return .parallel(resolve(inner))
                }
            }
        }
        resolvedSteps = models.map { resolve($0.steps) }
    }

    /// Instances of component `c` that serve set `set` (a striped component's own set; a shared one's all).
    public func instances(of c: Int, inSet set: Int?) -> [Instance] {
        if striped[c] {
            guard let set else { return instancesBySet[c].flatMap { $0 } }
            return instancesBySet[c][set]
        }
        return instancesBySet[c][0]
    }

    public func index(of id: ComponentID) -> Int? { componentIndex[id] }

    /// The store (or registry) quorum an operation needs: majority for quorum
    /// stores, raised to the declared read/write quorum; one replica otherwise.
    public static func quorumNeeded(_ store: Store, voters: Int, write: Bool) -> Int {
        guard store.needsQuorum else { return 1 }
        return max(voters / 2 + 1, write ? store.writeQuorum : store.readQuorum)
    }
}

/// A step with its references resolved to component and endpoint indices.
indirect enum ResolvedStep: Sendable {
    case work(Double)
    case call(Call, endpoint: Int, component: Int)
    case read(StoreAccess, component: Int, store: Store?)
    case write(StoreAccess, component: Int, store: Store?)
    case parallel([ResolvedStep])
}

/// The failed domains (none, one, or several for what-if questions): decides which machines are down.
public struct FailureState: Sendable {
    public let domains: [DomainID]
    let levels: [DomainLevel]
    let topology: Topology

    public init(_ domain: DomainID?, topology: Topology) {
        self.init(domain.map { [$0] } ?? [], topology: topology)
    }

    public init(_ domains: [DomainID], topology: Topology) {
        self.domains = domains
        self.levels = domains.map { topology[$0].level }
        self.topology = topology
    }

    /// The single failed domain, when exactly one failed.
    public var domain: DomainID? { domains.count == 1 ? domains[0] : nil }

    /// True when `machine` lies inside a failed domain.
    @inline(__always)
    public func isDown(_ machine: DomainID) -> Bool {
        for (i, d) in domains.enumerated() where topology.ancestor(of: machine, at: levels[i]) == d { return true }
        return false
    }
}
