import StrataModel

/// What an endpoint's hard steps need, flattened (`parallel` branches included; optional and async calls left out).
enum Requirement: Sendable {
    case call(callee: Int)
    /// A read; `local` reads may be served by any live replica (possibly stale).
    case read(store: Int, local: Bool)
    case write(store: Int)
}

/// Exact single-failure simulation: for every domain at every level up to
/// `survive`, remove it and decide for each public endpoint and each origin
/// set whether some set still serves it (its own, or through `failover`).
public struct FailureSimulation: Sendable {
    /// Why a public endpoint is unserved after a failure.
    public struct Breakage: Sendable {
        public let domain: DomainID
        /// The set whose users lose the endpoint.
        public let originSet: Int
        /// The component that broke it.
        public let culprit: ComponentID
        /// e.g. "1 of 3 voters of orders-db left, its quorum needs 2".
        public let reason: String
    }

    /// A failure that leaves the registry without quorum.
    public struct RegistryBreak: Sendable {
        public let domain: DomainID
        public let live: Int
        public let voters: Int
        public let needed: Int
    }

    /// Domains simulated, smallest level first, then in declaration order.
    public let failures: [DomainID]
    /// Per public endpoint (index into `CallGraph.publicEndpoints`): the smallest failure breaking it, if any.
    public let firstBreak: [Breakage?]
    public let registryBreaks: [RegistryBreak]
    /// For every failure at the `survive` level: per public endpoint, per origin set, the set that serves it (nil: unserved).
    public let servingAfter: [DomainID: [[Int?]]]
    /// False when the call graph has a cycle: nothing could be simulated.
    public let isComplete: Bool

    public init(_ deployment: Deployment) {
        let arch = deployment.architecture
        let topology = arch.topology
        var failures: [DomainID] = []
        for level in DomainLevel.named where level <= arch.survive {
            failures.append(contentsOf: topology.domains(at: level))
        }
        self.failures = failures
        guard let order = deployment.graph.calleesFirstOrder() else {
            firstBreak = Array(repeating: nil, count: deployment.graph.publicEndpoints.count)
            registryBreaks = []
            servingAfter = [:]
            isComplete = false
            return
        }
        isComplete = true
        var engine = SimulationEngine(deployment: deployment, order: order)
        var firstBreak: [Breakage?] = Array(repeating: nil, count: deployment.graph.publicEndpoints.count)
        var registryBreaks: [RegistryBreak] = []
        var servingAfter: [DomainID: [[Int?]]] = [:]
        for domain in failures {
            let state = FailureState(domain, topology: topology)
            engine.evaluate(state)
            if let reg = engine.registryStatus(), reg.live < reg.needed {
                registryBreaks.append(RegistryBreak(domain: domain, live: reg.live, voters: reg.voters, needed: reg.needed))
            }
            let recordServing = topology[domain].level == arch.survive
            var table: [[Int?]] = []
            for p in deployment.graph.publicEndpoints.indices {
                var row: [Int?] = []
                for origin in 0..<deployment.setCount {
                    let result = engine.serve(p, origin: origin)
                    row.append(result.servingSet)
                    if result.servingSet == nil, firstBreak[p] == nil {
                        firstBreak[p] = Breakage(domain: domain, originSet: origin, culprit: deployment.components[result.culprit],
                                                 reason: engine.describe(result.culprit, in: result.culpritSet, state: state))
                    }
                }
                if recordServing { table.append(row) }
            }
            if recordServing { servingAfter[domain] = table }
        }
        self.firstBreak = firstBreak
        self.registryBreaks = registryBreaks
        self.servingAfter = servingAfter
    }
}

/// The per-failure evaluation, with dense arrays reused across failures.
struct SimulationEngine {
    let deployment: Deployment
    let order: [Int]
    /// Hard requirements of each endpoint.
    let requirements: [[Requirement]]
    /// Sets ordered by RTT from each set (nearest first, excluding itself).
    let nearest: [[Int]]
    let slots: Int
    /// Endpoint and gateway component of each public endpoint.
    let targets: [(endpoint: Int, gateway: Int)]
    /// Replicas a store needs alive per set slot for a (quorum) read and a write; nil for non-stores.
    let storeNeeds: [(read: [Int], write: [Int])?]
    /// live[c][slot]: live instances of component c in a set (striped) or in total (slot 0, shared).
    var live: [[Int]] = []
    /// ok[e * slots + slot]: endpoint e served in set `slot` (slot == setCount: in any set).
    var ok: [Bool] = []
    var culprit: [Int32] = []
    var culpritSet: [Int32] = []
    var state: FailureState?

    init(deployment: Deployment, order: [Int]) {
        self.deployment = deployment
        self.order = order
        let arch = deployment.architecture
        let requirements = SimulationEngine.requirements(deployment)
        self.requirements = requirements
        let sets = arch.sets
        nearest = sets.indices.map { FailoverOrder.others(from: $0, in: arch) }
        slots = sets.count + 1
        targets = deployment.graph.publicEndpoints.map { pe in
            (deployment.graph.indexOf[pe.endpoint] ?? -1, deployment.index(of: ComponentID(.gateway, pe.gateway)) ?? -1)
        }
        storeNeeds = deployment.components.indices.map { c in
            guard deployment.components[c].kind == .store, let store = arch.store(deployment.components[c].name) else { return nil }
            let groups = deployment.instancesBySet[c]
            return (groups.map { Deployment.quorumNeeded(store, voters: $0.count, write: false) },
                    groups.map { Deployment.quorumNeeded(store, voters: $0.count, write: true) })
        }
    }

    /// Hard requirements of every endpoint of the call graph.
    static func requirements(_ deployment: Deployment) -> [[Requirement]] {
        let arch = deployment.architecture
        let graph = deployment.graph
        var requirements: [[Requirement]] = []
        for id in graph.endpoints {
            guard let e = arch.endpoint(id.service, id.endpoint) else { requirements.append([]); continue }
            var list: [Requirement] = []
            forEachStep(e.steps) { step in
                switch step {
                case .call(let call) where call.isHard:
                    if let callee = graph.indexOf[EndpointID(call.service, call.endpoint)] { list.append(.call(callee: callee)) }
                case .read(let access):
                    if let s = deployment.index(of: ComponentID(.store, access.store)) { list.append(.read(store: s, local: access.local)) }
                case .write(let access):
                    if let s = deployment.index(of: ComponentID(.store, access.store)) { list.append(.write(store: s)) }
                default: break
                }
            }
            requirements.append(list)
        }
        return requirements
    }

    mutating func evaluate(_ state: FailureState) {
        self.state = state
        let d = deployment
        live = d.instancesBySet.map { groups in groups.map { $0.reduce(0) { $0 + (state.isDown($1.machine) ? 0 : 1) } } }
        let n = d.graph.endpoints.count
        if ok.count != n * slots {
            ok = Array(repeating: false, count: n * slots)
            culprit = Array(repeating: -1, count: n * slots)
            culpritSet = Array(repeating: -1, count: n * slots)
        }
        let setCount = d.setCount
        for e in order {
            let service = d.endpointService[e]
            guard service >= 0 else { continue }
            if d.striped[service] {
                var any = false
                for t in 0..<setCount {
                    evaluate(e, service: service, set: t)
                    any = any || ok[e * slots + t]
                }
                // "Any set": the first set that serves it (for shared callers).
                let anySlot = e * slots + setCount
                ok[anySlot] = any
                culprit[anySlot] = culprit[e * slots]
                culpritSet[anySlot] = culpritSet[e * slots]
            } else {
                evaluate(e, service: service, set: nil)
                for t in 0..<setCount {
                    ok[e * slots + t] = ok[e * slots + setCount]
                    culprit[e * slots + t] = culprit[e * slots + setCount]
                    culpritSet[e * slots + t] = culpritSet[e * slots + setCount]
                }
            }
        }
    }

    /// Evaluates endpoint e of `service` for requests of set `set` (nil: shared service, any set).
    private mutating func evaluate(_ e: Int, service: Int, set: Int?) {
        let slot = e * slots + (set ?? deployment.setCount)
        func fail(_ component: Int, _ inSet: Int?) {
            ok[slot] = false
            culprit[slot] = Int32(component)
            culpritSet[slot] = Int32(inSet ?? -1)
        }
        if liveCount(service, set) == 0 { return fail(service, set) }
        let callerSlot = set ?? deployment.setCount
        for r in requirements[e] {
            switch r {
            case .call(let callee):
                let s = callee * slots + callerSlot
                if !ok[s] {
                    ok[slot] = false
                    culprit[slot] = culprit[s]
                    culpritSet[slot] = culpritSet[s]
                    return
                }
            case .read(let store, let local):
                if !storeAvailable(store, set: set, write: false, local: local) { return fail(store, set) }
            case .write(let store):
                if !storeAvailable(store, set: set, write: true, local: false) { return fail(store, set) }
            }
        }
        ok[slot] = true
        culprit[slot] = -1
        culpritSet[slot] = -1
    }

    /// Live instances of component c for a request of set `set` (nil: any set).
    func liveCount(_ c: Int, _ set: Int?) -> Int {
        if deployment.striped[c] {
            if let set { return live[c][set] }
            return live[c].max() ?? 0
        }
        return live[c][0]
    }

    /// Whether a store can serve a read or write for a request of set `set`.
    func storeAvailable(_ c: Int, set: Int?, write: Bool, local: Bool) -> Bool {
        guard let needs = storeNeeds[c] else { return false }
        func ok(_ slot: Int) -> Bool { live[c][slot] >= (local ? 1 : (write ? needs.write[slot] : needs.read[slot])) }
        if deployment.striped[c] {
            if let set { return ok(set) }
            return (0..<deployment.setCount).contains(where: ok)
        }
        return ok(0)
    }

    /// Live, total and needed registry voters, when discovery is a registry.
    func registryStatus() -> (live: Int, voters: Int, needed: Int)? {
        guard let c = deployment.index(of: ComponentID(.registry, "registry")) else { return nil }
        let voters = deployment.instancesBySet[c][0].count
        return (live[c][0], voters, voters / 2 + 1)
    }

    struct ServeResult {
        let servingSet: Int?
        let culprit: Int
        let culpritSet: Int?
    }

    /// Serves public endpoint `pe` for users of `origin`: their own set, else the nearest set that works (with `failover nearest`).
    func serve(_ p: Int, origin: Int) -> ServeResult {
        let d = deployment
        let (e, gateway) = targets[p]
        guard e >= 0, gateway >= 0 else { return ServeResult(servingSet: origin, culprit: -1, culpritSet: nil) }
        func works(_ t: Int) -> Bool { liveCount(gateway, t) > 0 && ok[e * slots + t] }
        if works(origin) { return ServeResult(servingSet: origin, culprit: -1, culpritSet: nil) }
        if d.architecture.striping.failover == .nearest, let t = nearest[origin].first(where: works) {
            return ServeResult(servingSet: t, culprit: -1, culpritSet: nil)
        }
        // Blame what stopped the set that should have served: the origin set, or, when the origin set's
        // gateway is gone and failover is on, the nearest set whose gateway is still alive.
        var blamed = origin
        if liveCount(gateway, origin) == 0 {
            guard d.architecture.striping.failover == .nearest, let t = nearest[origin].first(where: { liveCount(gateway, $0) > 0 }) else {
                return ServeResult(servingSet: nil, culprit: gateway, culpritSet: d.striped[gateway] ? origin : nil)
            }
            blamed = t
        }
        let slot = e * slots + blamed
        let cs = Int(culpritSet[slot])
        return ServeResult(servingSet: nil, culprit: Int(culprit[slot]), culpritSet: cs >= 0 ? cs : nil)
    }

    /// Explains why component c is unavailable in a set after the failure.
    func describe(_ c: Int, in set: Int?, state: FailureState) -> String {
        let d = deployment
        let id = d.components[c]
        let setName = d.striped[c] ? set.map { " in set \(d.architecture.sets[$0].name)" } ?? "" : ""
        let instances = d.instances(of: c, inSet: set)
        let alive = instances.filter { !state.isDown($0.machine) }.count
        if id.kind == .store, let store = d.architecture.store(id.name), store.needsQuorum {
            let needed = Deployment.quorumNeeded(store, voters: instances.count, write: true)
            return "\(alive) of \(instances.count) voters of store \(id.name)\(setName) left, its quorum needs \(needed)"
        }
        return "\(id) has \(alive) of \(instances.count) instances left\(setName)"
    }
}
