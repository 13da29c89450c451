import StrataModel

/// One hop of a latency breakdown.
public struct LatencyHop: Sendable, CustomStringConvertible {
    public let label: String
    public let milliseconds: Double
    /// How the cost splits, e.g. `rtt 1ms + 3ms`.
    public let detail: String?
    public init(_ label: String, _ milliseconds: Double, detail: String? = nil) {
        self.label = label
        self.milliseconds = milliseconds
        self.detail = detail
    }
    /// `call users.get 4ms (rtt 1ms + 3ms)`.
    public var description: String { "\(label) \(formatMilliseconds(milliseconds))" + (detail.map { " (\($0))" } ?? "") }
}

/// A p99 latency with the hops that make it up.
public struct LatencyPath: Sendable {
    public let total: Double
    public let hops: [LatencyHop]
    /// `gateway 0.5ms + work 15ms + call users.get 4.2ms + ...`
    public var breakdown: String { hops.map(\.description).joined(separator: " + ") }
}

/// Formats milliseconds compactly: `0.5ms`, `15ms`, `61.25ms`.
public func formatMilliseconds(_ ms: Double) -> String {
    let rounded = (ms * 100).rounded() / 100
    // Total for any input: a value too large for Int is printed as Swift prints the Double
    // (the resolver bounds every duration, so only sums of very many can come near it).
    guard rounded.isFinite, rounded.magnitude < 1e15 else { return "\(rounded)ms" }
    if rounded == rounded.rounded() { return "\(Int(rounded))ms" }
    var text = String(rounded)
    if text.contains("e") { text = "\(Int(rounded))" }
    return text + "ms"
}

/// The p99 latency model of checks.md: critical path of an endpoint measured
/// at the gateway. Works under one failure state (none, or one lost domain);
/// costs are memoized per (endpoint, machine, set) and computed iteratively.
public final class LatencyModel {
    /// Cost of the gateway itself.
    public static let gatewayHop = 0.5

    let deployment: Deployment
    let state: FailureState
    let topology: Topology
    private var memo: [Key: Double] = [:]
    /// Leader of each store component per set slot (after failover of the leader), cached.
    private var leaders: [Int: Instance?] = [:]

    struct Key: Hashable {
        let endpoint: Int
        let machine: DomainID
        let set: Int
    }

    public convenience init(_ deployment: Deployment, failure: DomainID? = nil) {
        self.init(deployment, failures: failure.map { [$0] } ?? [])
    }

    /// A model with several domains lost at once (what-if questions).
    public init(_ deployment: Deployment, failures: [DomainID]) {
        self.deployment = deployment
        topology = deployment.architecture.topology
        state = FailureState(failures, topology: topology)
    }

    // MARK: Instance choice

    /// The live instance of component c nearest to `from` serving set `set` (striped: that set; shared: any).
    public func nearestLive(_ c: Int, from: DomainID?, set: Int) -> Instance? {
        var best: (Instance, Double)?
        for i in deployment.instances(of: c, inSet: set) where !state.isDown(i.machine) {
            let d = from.map { topology.rtt($0, i.machine) } ?? 0
            if best == nil || d < best!.1 { best = (i, d) }
        }
        return best?.0
    }

    /// The store's voters serving set `set`.
    func voters(_ c: Int, set: Int) -> [Instance] { deployment.instances(of: c, inSet: set) }

    /// The store's leader: the `leader` domain's voter, else the first voter; when
    /// it is down, the surviving voter nearest to it (ties: placement order).
    func leader(_ c: Int, store: Store, set: Int) -> Instance? {
        let slot = c * (deployment.setCount + 1) + (deployment.striped[c] ? set : 0)
        if let cached = leaders[slot] { return cached }
        let all = voters(c, set: set)
        var original = all.first
        if let l = store.leader, let inDomain = all.first(where: { topology.contains(l.value, $0.machine) }) { original = inDomain }
        var result = original
        if let o = original, state.isDown(o.machine) {
            result = nil
            var bestRTT = Double.infinity
            for v in all where !state.isDown(v.machine) {
                let d = topology.rtt(o.machine, v.machine)
                if d < bestRTT { bestRTT = d; result = v }
            }
        }
        leaders[slot] = result
        return result
    }

    // MARK: Costs

    /// p99 cost of reading or writing a store from `machine` for a request of `set`, with its hop label when
    /// explaining; nil when unavailable.
    func storeCost(_ access: StoreAccess, component c: Int, store: Store?, write: Bool, from machine: DomainID, set: Int,
                   explain: Bool) -> (Double, String)? {
        guard c >= 0, let store else { return nil }
        var best = Double.infinity
        var any = false
        for v in voters(c, set: set) where !state.isDown(v.machine) {
            any = true
            best = min(best, topology.rtt(machine, v.machine))
        }
        guard any else { return nil }
        let verb = write ? "write" : "read"
        if !write && (access.local || store.consistency.value != .strong) {
            return (best, explain ? "\(verb) \(store.name) nearest replica" : "")
        }
        guard let leader = leader(c, store: store, set: set) else { return nil }
        let toLeader = topology.rtt(machine, leader.machine)
        guard write, store.replication.value == .sync else { return (toLeader, explain ? "\(verb) \(store.name) leader" : "") }
        // The leader commits once the q-th nearest voter (itself first) has the write.
        let distances = voters(c, set: set).filter { !state.isDown($0.machine) }.map { topology.rtt(leader.machine, $0.machine) }.sorted()
        let q = min(store.writeQuorum, distances.count)
        let quorum = distances[max(0, q - 1)]
        return (toLeader + quorum,
                explain ? "\(verb) \(store.name)|leader \(formatMilliseconds(toLeader)) + quorum \(formatMilliseconds(quorum))" : "")
    }

    /// A call target: the callee instance chosen for a caller at `machine` in `set`.
    func calleeInstance(endpoint e: Int, component c: Int, from machine: DomainID, set: Int) -> Instance? {
        guard e >= 0, c >= 0 else { return nil }
        return nearestLive(c, from: machine, set: set)
    }

    /// Callees an endpoint needs costed before it (its calls, including optional ones; async calls cost 0).
    private func dependencies(_ key: Key) -> [Key] {
        var deps: [Key] = []
        func visit(_ steps: [ResolvedStep]) {
            for step in steps {
                switch step {
                case .call(let call, let e, let c) where !call.async:
                    if let inst = calleeInstance(endpoint: e, component: c, from: key.machine, set: key.set) {
                        deps.append(Key(endpoint: e, machine: inst.machine, set: key.set))
                    }
                case .parallel(let inner): visit(inner)
                default: break
                }
            }
        }
        visit(deployment.resolvedSteps[key.endpoint])
        return deps
    }

    /// p99 critical path of endpoint `index` served at `machine` for requests of `set`; nil when some hard step is unavailable
    /// or the graph is cyclic.
    public func cost(endpoint index: Int, at machine: DomainID, set: Int) -> Double? {
        let root = Key(endpoint: index, machine: machine, set: set)
        if let v = memo[root] { return v.isNaN ? nil : v }
        var stack: [(Key, expanded: Bool)] = [(root, false)]
        var onStack: Set<Key> = [root]
        while let (key, expanded) = stack.popLast() {
            if memo[key] != nil { onStack.remove(key); continue }
            if expanded {
                memo[key] = steps(of: key, explain: false)?.total ?? .nan
                onStack.remove(key)
                continue
            }
            stack.append((key, true))
            for dep in dependencies(key) where memo[dep] == nil {
                if onStack.contains(dep) { memo[root] = .nan; return nil }  // cycle: reported by call-cycle
                onStack.insert(dep)
                stack.append((dep, false))
            }
        }
        let v = memo[root]!
        return v.isNaN ? nil : v
    }

    /// The hops of one endpoint (callees must already be costed, or are costed now). Labels only when `explain`.
    func steps(of key: Key, explain: Bool = true) -> LatencyPath? {
        var hops: [LatencyHop] = []
        var total = 0.0
        for step in deployment.resolvedSteps[key.endpoint] {
            guard let hop = cost(step, key: key, explain: explain) else { return nil }
            if let hop {
                total += hop.milliseconds
                if explain { hops.append(hop) }
            }
        }
        return LatencyPath(total: total, hops: hops)
    }

    /// Cost of one step; `.some(nil)` for a step that costs nothing, nil when unavailable.
    private func cost(_ step: ResolvedStep, key: Key, explain: Bool) -> LatencyHop?? {
        switch step {
        case .work(let ms):
            return .some(LatencyHop(explain ? "work" : "", ms))
        case .call(let call, let e, let c):
            if call.async { return .some(nil) }
            guard let inst = calleeInstance(endpoint: e, component: c, from: key.machine, set: key.set),
                  let inner = cost(endpoint: e, at: inst.machine, set: key.set) else {
                return call.optional ? .some(nil) : nil
            }
            let rtt = topology.rtt(key.machine, inst.machine)
            let label = explain ? "call \(call.service).\(call.endpoint)" : ""
            // The caller never waits longer than the per-attempt timeout.
            if rtt + inner > call.timeoutMilliseconds {
                return .some(LatencyHop(label, call.timeoutMilliseconds,
                                        detail: explain ? "times out: rtt \(formatMilliseconds(rtt)) + \(formatMilliseconds(inner)) exceeds the timeout" : nil))
            }
            return .some(LatencyHop(label, rtt + inner, detail: explain ? "rtt \(formatMilliseconds(rtt)) + \(formatMilliseconds(inner))" : nil))
        case .read(let access, let c, let store):
            guard let (ms, label) = storeCost(access, component: c, store: store, write: false, from: key.machine, set: key.set, explain: explain) else { return nil }
            return .some(hop(label, ms))
        case .write(let access, let c, let store):
            guard let (ms, label) = storeCost(access, component: c, store: store, write: true, from: key.machine, set: key.set, explain: explain) else { return nil }
            return .some(hop(label, ms))
        case .parallel(let branches):
            var slowest: LatencyHop?
            for branch in branches {
                guard let hop = cost(branch, key: key, explain: explain) else { return nil }
                if let hop, hop.milliseconds > (slowest?.milliseconds ?? -1) { slowest = hop }
            }
            return .some(slowest.map { explain ? LatencyHop("parallel, slowest: \($0.label)", $0.milliseconds, detail: $0.detail) : $0 })
        }
    }

    /// A store hop from `label|detail`.
    private func hop(_ label: String, _ ms: Double) -> LatencyHop {
        if label.isEmpty { return LatencyHop("", ms) }
        let parts = label.split(separator: "|", maxSplits: 1).map(String.init)
        return LatencyHop(parts[0], ms, detail: parts.count > 1 ? parts[1] : nil)
    }

    // MARK: Gateway-measured paths

    /// Where a set's users enter: the set's first gateway instance (before any failure), else the set's domain.
    func entry(of set: Int, gateway: Int) -> DomainID {
        if deployment.striped[gateway], let first = deployment.instancesBySet[gateway][set].first { return first.machine }
        return deployment.architecture.sets[set].domain
    }

    /// The p99 path of a public endpoint for users of `origin` served by set `serving`, measured at the gateway
    /// (plus the RTT from the origin set's entry to the serving gateway when traffic failed over). Nil when unserved.
    public func path(_ pe: PublicEndpoint, origin: Int, serving: Int, explain: Bool = true) -> LatencyPath? {
        let d = deployment
        guard let e = d.graph.indexOf[pe.endpoint],
              let gw = d.index(of: ComponentID(.gateway, pe.gateway)),
              let svc = d.index(of: ComponentID(.service, pe.endpoint.service)) else { return nil }
        let originEntry = entry(of: origin, gateway: gw)
        guard let gateway = nearestLive(gw, from: originEntry, set: serving),
              let instance = nearestLive(svc, from: gateway.machine, set: serving) else { return nil }
        guard let inner = cost(endpoint: e, at: instance.machine, set: serving) else { return nil }
        let forward = topology.rtt(gateway.machine, instance.machine)
        let failover = origin != serving ? topology.rtt(originEntry, gateway.machine) : 0
        let total = failover + LatencyModel.gatewayHop + forward + inner
        guard explain, let explained = steps(of: Key(endpoint: e, machine: instance.machine, set: serving)) else {
            return LatencyPath(total: total, hops: [])
        }
        var hops: [LatencyHop] = []
        if origin != serving {
            hops.append(LatencyHop("failover from set \(d.architecture.sets[origin].name) to \(d.architecture.sets[serving].name)", failover))
        }
        hops.append(LatencyHop("gateway", LatencyModel.gatewayHop))
        if forward > 0 { hops.append(LatencyHop("to \(pe.endpoint.service)", forward)) }
        hops.append(contentsOf: explained.hops)
        return LatencyPath(total: total, hops: hops)
    }

    /// The p99 total of a public endpoint (no breakdown): see ``path(_:origin:serving:explain:)``.
    public func total(_ pe: PublicEndpoint, origin: Int, serving: Int) -> Double? {
        path(pe, origin: origin, serving: serving, explain: false)?.total
    }

    /// The p99 path of any endpoint served in `set` at the service's first live instance there (no gateway hop).
    public func internalPath(endpoint e: Int, set: Int, explain: Bool = true) -> LatencyPath? {
        let svc = deployment.endpointService[e]
        guard svc >= 0, let instance = nearestLive(svc, from: nil, set: set),
              let total = cost(endpoint: e, at: instance.machine, set: set) else { return nil }
        guard explain else { return LatencyPath(total: total, hops: []) }
        return steps(of: Key(endpoint: e, machine: instance.machine, set: set))
    }

    /// What a caller at `machine` in `set` waits for one attempt of `call`: RTT plus the callee's path.
    public func callCost(_ call: Call, from machine: DomainID, set: Int) -> Double? {
        guard let e = deployment.graph.indexOf[EndpointID(call.service, call.endpoint)],
              let c = deployment.index(of: ComponentID(.service, call.service)),
              let inst = calleeInstance(endpoint: e, component: c, from: machine, set: set),
              let inner = cost(endpoint: e, at: inst.machine, set: set) else { return nil }
        return topology.rtt(machine, inst.machine) + inner
    }
}
