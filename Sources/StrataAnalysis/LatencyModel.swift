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

    /// p99 cost of reading or writing `access.store` from `machine` for a request of `set`, with its hop label; nil when unavailable.
    func storeCost(_ access: StoreAccess, write: Bool, from machine: DomainID, set: Int) -> (Double, String)? {
        guard let c = deployment.index(of: ComponentID(.store, access.store)), let store = deployment.architecture.store(access.store) else { return nil }
        let live = voters(c, set: set).filter { !state.isDown($0.machine) }
        guard !live.isEmpty else { return nil }
        let verb = write ? "write" : "read"
        if !write && (access.local || store.consistency.value != .strong) {
            let rtt = live.map { topology.rtt(machine, $0.machine) }.min()!
            return (rtt, "\(verb) \(store.name) nearest replica")
        }
        guard let leader = leader(c, store: store, set: set) else { return nil }
        let toLeader = topology.rtt(machine, leader.machine)
        guard write, store.replication.value == .sync else { return (toLeader, "\(verb) \(store.name) leader") }
        // The leader commits once the q-th nearest voter (itself first) has the write.
        let distances = live.map { topology.rtt(leader.machine, $0.machine) }.sorted()
        let q = min(store.writeQuorum, distances.count)
        let quorum = distances[max(0, q - 1)]
        return (toLeader + quorum, "\(verb) \(store.name)|leader \(formatMilliseconds(toLeader)) + quorum \(formatMilliseconds(quorum))")
    }

    /// A call target: the callee instance chosen for a caller at `machine` in `set`.
    func calleeInstance(_ call: Call, from machine: DomainID, set: Int) -> (endpoint: Int, instance: Instance)? {
        guard let e = deployment.graph.indexOf[EndpointID(call.service, call.endpoint)],
              let c = deployment.index(of: ComponentID(.service, call.service)),
              let instance = nearestLive(c, from: machine, set: set) else { return nil }
        return (e, instance)
    }

    /// Callees an endpoint needs costed before it (its calls, including optional ones; async calls cost 0).
    private func dependencies(_ key: Key) -> [Key] {
        guard let e = endpoint(key.endpoint) else { return [] }
        var deps: [Key] = []
        forEachStep(e.steps) { step in
            if case .call(let call) = step, !call.async, let (ce, inst) = calleeInstance(call, from: key.machine, set: key.set) {
                deps.append(Key(endpoint: ce, machine: inst.machine, set: key.set))
            }
        }
        return deps
    }

    private func endpoint(_ index: Int) -> Endpoint? {
        let id = deployment.graph.endpoints[index]
        return deployment.architecture.endpoint(id.service, id.endpoint)
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
                memo[key] = steps(of: key)?.total ?? .nan
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

    /// The hops of one endpoint (callees must already be costed, or are costed now).
    func steps(of key: Key) -> LatencyPath? {
        guard let e = endpoint(key.endpoint) else { return nil }
        var hops: [LatencyHop] = []
        for step in e.steps {
            guard let hop = cost(step, key: key) else {
                return nil
            }
            if let hop { hops.append(hop) }
        }
        return LatencyPath(total: hops.reduce(0) { $0 + $1.milliseconds }, hops: hops)
    }

    /// Cost of one step; `.some(nil)` for a step that costs nothing, nil when unavailable.
    private func cost(_ step: Step, key: Key) -> LatencyHop?? {
        switch step {
        case .work(let ms, _):
            return .some(LatencyHop("work", ms))
        case .call(let call):
            if call.async { return .some(nil) }
            guard let (ce, inst) = calleeInstance(call, from: key.machine, set: key.set) else {
                return call.optional ? .some(nil) : nil
            }
            let depKey = Key(endpoint: ce, machine: inst.machine, set: key.set)
            guard let inner = cost(endpoint: depKey.endpoint, at: depKey.machine, set: depKey.set) else { return call.optional ? .some(nil) : nil }
            let rtt = topology.rtt(key.machine, inst.machine)
            // The caller never waits longer than the per-attempt timeout.
            if rtt + inner > call.timeoutMilliseconds {
                return .some(LatencyHop("call \(call.service).\(call.endpoint)", call.timeoutMilliseconds,
                                        detail: "times out: rtt \(formatMilliseconds(rtt)) + \(formatMilliseconds(inner)) exceeds the timeout"))
            }
            return .some(LatencyHop("call \(call.service).\(call.endpoint)", rtt + inner, detail: "rtt \(formatMilliseconds(rtt)) + \(formatMilliseconds(inner))"))
        case .read(let access):
            guard let (ms, label) = storeCost(access, write: false, from: key.machine, set: key.set) else { return nil }
            return .some(hop(label, ms))
        case .write(let access):
            guard let (ms, label) = storeCost(access, write: true, from: key.machine, set: key.set) else { return nil }
            return .some(hop(label, ms))
        case .parallel(let branches, _):
            var slowest: LatencyHop?
            for branch in branches {
                guard let hop = cost(branch, key: key) else { return nil }
                if let hop, hop.milliseconds > (slowest?.milliseconds ?? -1) { slowest = hop }
            }
            return .some(slowest.map { LatencyHop("parallel, slowest: \($0.label)", $0.milliseconds, detail: $0.detail) })
        }
    }

    /// A store hop from `label|detail`.
    private func hop(_ label: String, _ ms: Double) -> LatencyHop {
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
    public func path(_ pe: PublicEndpoint, origin: Int, serving: Int) -> LatencyPath? {
        let d = deployment
        guard let e = d.graph.indexOf[pe.endpoint],
              let gw = d.index(of: ComponentID(.gateway, pe.gateway)),
              let svc = d.index(of: ComponentID(.service, pe.endpoint.service)) else { return nil }
        let originEntry = entry(of: origin, gateway: gw)
        guard let gateway = nearestLive(gw, from: originEntry, set: serving),
              let instance = nearestLive(svc, from: gateway.machine, set: serving) else { return nil }
        guard cost(endpoint: e, at: instance.machine, set: serving) != nil,
              let inner = steps(of: Key(endpoint: e, machine: instance.machine, set: serving)) else { return nil }
        var hops: [LatencyHop] = []
        if origin != serving {
            hops.append(LatencyHop("failover from set \(d.architecture.sets[origin].name) to \(d.architecture.sets[serving].name)",
                                   topology.rtt(originEntry, gateway.machine)))
        }
        hops.append(LatencyHop("gateway", LatencyModel.gatewayHop))
        let forward = topology.rtt(gateway.machine, instance.machine)
        if forward > 0 { hops.append(LatencyHop("to \(pe.endpoint.service)", forward)) }
        hops.append(contentsOf: inner.hops)
        return LatencyPath(total: hops.reduce(0) { $0 + $1.milliseconds }, hops: hops)
    }

    /// The p99 path of any endpoint served in `set` at the service's first live instance there (no gateway hop).
    public func internalPath(endpoint e: Int, set: Int) -> LatencyPath? {
        let svc = deployment.endpointService[e]
        guard svc >= 0, let instance = nearestLive(svc, from: nil, set: set),
              cost(endpoint: e, at: instance.machine, set: set) != nil else { return nil }
        return steps(of: Key(endpoint: e, machine: instance.machine, set: set))
    }

    /// What a caller at `machine` in `set` waits for one attempt of `call`: RTT plus the callee's path.
    public func callCost(_ call: Call, from machine: DomainID, set: Int) -> Double? {
        guard let (ce, inst) = calleeInstance(call, from: machine, set: set),
              let inner = cost(endpoint: ce, at: inst.machine, set: set) else { return nil }
        return topology.rtt(machine, inst.machine) + inner
    }
}
