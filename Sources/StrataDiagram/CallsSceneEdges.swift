import StrataAnalysis
import StrataModel

/// The calls view's edges and figures: one edge per route and per step of an endpoint, each
/// tagged with its p99 cost from the latency model.
extension CallsSceneBuild {
    /// Gateway → endpoint, for every public endpoint, tagged with the gateway hop.
    func routeEdges() -> [SceneEdge] {
        var edges: [SceneEdge] = []
        for pe in graph.publicEndpoints {
            guard let gi = gatewayNode[pe.gateway], let ei = endpointNode[pe.endpoint] else { continue }
            let hop = gatewayHop(pe)
            var tip = "gateway \(pe.gateway) routes \(pe.route.prefix) to \(pe.endpoint)"
            if let ms = pe.route.timeoutMilliseconds { tip += " (timeout \(formatDuration(ms)))" }
            if let hop { tip += "; gateway and forwarding cost \(formatMilliseconds(hop)) at p99" }
            edges.append(SceneEdge(id: "e.route.\(pe.gateway)_\(pe.endpoint.service).\(pe.endpoint.endpoint)", style: .call, source: gi, target: ei,
                                   tooltip: tip, tag: hop.map(formatMilliseconds) ?? "n/a"))
        }
        return edges
    }

    /// Endpoint → endpoint for every call, endpoint → store for every read and write.
    func stepEdges() -> [SceneEdge] {
        var edges: [SceneEdge] = []
        for s in services {
            let machine = instanceMachine(s.name)
            for e in s.endpoints {
                guard let from = endpointNode[EndpointID(s.name, e.name)] else { continue }
                let base = "\(s.name).\(e.name)"
                walk(e.steps, path: "s") { step, path in
                    switch step {
                    case .call(let call):
                        if let edge = callEdge(call, from: from, base: base, path: path, machine: machine) { edges.append(edge) }
                    case .read(let access):
                        if let edge = storeEdge(access, write: false, from: from, base: base, path: path, machine: machine) { edges.append(edge) }
                    case .write(let access):
                        if let edge = storeEdge(access, write: true, from: from, base: base, path: path, machine: machine) { edges.append(edge) }
                    case .work, .parallel:
                        break
                    }
                }
            }
        }
        return edges
    }

    /// A call of endpoint `base`, tagged with the callee's p99 plus the round trip, capped at the timeout.
    private func callEdge(_ call: Call, from: Int, base: String, path: String, machine: DomainID?) -> SceneEdge? {
        guard let to = endpointNode[EndpointID(call.service, call.endpoint)] else { return nil }
        let style: EdgeStyle = call.async ? .async : (call.optional ? .optional : .call)
        var tag = "async"
        var tip = "\(base) calls \(call.service).\(call.endpoint) (timeout \(formatDuration(call.timeoutMilliseconds))"
            + (call.retries > 0 ? ", retries \(call.retries)" : "") + (call.optional ? ", optional" : "") + (call.async ? ", async: off the critical path" : "") + ")"
        if !call.async {
            if let m = machine, let cost = model.callCost(call, from: m, set: set) {
                if cost > call.timeoutMilliseconds {
                    tag = "\(formatMilliseconds(call.timeoutMilliseconds)) timeout"
                    tip += "; p99 \(formatMilliseconds(cost)) exceeds the timeout, so the caller waits \(formatMilliseconds(call.timeoutMilliseconds))"
                } else {
                    tag = formatMilliseconds(cost)
                    tip += "; p99 \(formatMilliseconds(cost)) including the round trip"
                }
            } else {
                tag = "n/a"
                tip += "; no instance can serve it"
            }
            if call.optional { tag = "opt " + tag }
        }
        return SceneEdge(id: "e.call.\(base).\(path)", style: style, source: from, target: to, tooltip: tip, tag: tag)
    }

    /// A read or write of endpoint `base`, tagged with its p99 (``storeCost(_:access:write:from:)``).
    private func storeEdge(_ access: StoreAccess, write: Bool, from: Int, base: String, path: String, machine: DomainID?) -> SceneEdge? {
        guard let to = storeNode[access.store], let store = a.store(access.store) else { return nil }
        let verb = write ? "write" : "read"
        let cost = machine.flatMap { storeCost(store, access: access, write: write, from: $0) }
        var tip = "\(base) \(verb)s \(access.store)" + (access.local ? " (nearest replica, may be stale)" : "")
        if let cost { tip += "; p99 \(formatMilliseconds(cost.ms)) (\(cost.how))" }
        return SceneEdge(id: "e.\(verb).\(base).\(path)", style: .call, source: from, target: to, tooltip: tip,
                         tag: "\(verb) " + (cost.map { formatMilliseconds($0.ms) } ?? "n/a"))
    }

    /// Steps with their path in the endpoint (`s2`, `s3.1` for the first branch of a `parallel` at step 3).
    private func walk(_ steps: [Step], path: String, _ body: (Step, String) -> Void) {
        for (i, step) in steps.enumerated() {
            let here = path == "s" ? "s\(i + 1)" : "\(path).\(i + 1)"
            if case .parallel(let branches, _) = step { walk(branches, path: here, body) } else { body(step, here) }
        }
    }

    // MARK: Figures

    /// An endpoint's box: method and path, p99 against the budget (`>` when over it).
    func makeEndpointNode(_ s: Service, _ e: Endpoint) -> SceneNode {
        let id = EndpointID(s.name, e.name)
        let p99 = p99(of: id)
        var perf = p99.map { "p99 \(formatMilliseconds($0))" } ?? "p99 n/a"
        if let budget = e.budgetMilliseconds?.value {
            perf += (p99.map { $0 > budget } ?? false ? " > " : " · ") + "budget \(formatMilliseconds(budget))"
        }
        var tip = "endpoint \(s.name).\(e.name): \(e.method.rawValue) \(e.path)"
        if let p99 { tip += "; p99 \(formatMilliseconds(p99))" }
        if let b = e.budgetMilliseconds { tip += " against a budget of \(formatMilliseconds(b.value))" }
        if e.idempotent { tip += "; idempotent" }
        return SceneNode(id: "n.endpoint.\(s.name).\(e.name)", kind: .endpoint, name: e.name, details: ["\(e.method.rawValue) \(e.path)", perf],
                         tooltip: tip, replicas: 1)
    }

    /// p99 of an endpoint: at the gateway when public (first route), else at its first instance.
    private func p99(of id: EndpointID) -> Double? {
        guard let index = graph.indexOf[id] else { return nil }
        if let pe = graph.publicEndpoints.first(where: { $0.endpoint == id }) {
            return model.path(pe, origin: set, serving: set)?.total
        }
        return model.internalPath(endpoint: index, set: set)?.total
    }

    /// Gateway plus forwarding cost of a public endpoint.
    private func gatewayHop(_ pe: PublicEndpoint) -> Double? {
        guard let path = model.path(pe, origin: set, serving: set) else { return nil }
        var total = 0.0
        for hop in path.hops {
            if hop.label == "gateway" || hop.label == "to \(pe.endpoint.service)" { total += hop.milliseconds }
        }
        return total
    }

    /// The machine of the instance that serves the endpoints of `service` in the drawn set (as the latency model picks it).
    private func instanceMachine(_ service: String) -> DomainID? {
        guard let c = deployment.index(of: ComponentID(.service, service)) else { return nil }
        return model.nearestLive(c, from: nil, set: set)?.machine
    }

    /// A store step's p99, by the latency model's rules: reads go to the nearest replica unless
    /// strongly consistent and not `local`; writes go to the leader, plus the quorum round when synchronous.
    func storeCost(_ store: Store, access: StoreAccess, write: Bool, from machine: DomainID) -> (ms: Double, how: String)? {
        let topology = a.topology
        guard let c = deployment.index(of: ComponentID(.store, store.name)) else { return nil }
        let voters = deployment.instances(of: c, inSet: set)
        guard !voters.isEmpty else { return nil }
        if !write && (access.local || store.consistency.value != .strong) {
            return (voters.map { topology.rtt(machine, $0.machine) }.min()!, "nearest replica")
        }
        var leader = voters[0]
        if let l = store.leader, let v = voters.first(where: { topology.contains(l.value, $0.machine) }) { leader = v }
        let toLeader = topology.rtt(machine, leader.machine)
        guard write, store.replication.value == .sync else { return (toLeader, "at the leader") }
        let distances = voters.map { topology.rtt(leader.machine, $0.machine) }.sorted()
        let quorum = distances[max(0, min(store.writeQuorum, distances.count) - 1)]
        return (toLeader + quorum, "leader \(formatMilliseconds(toLeader)) + quorum \(formatMilliseconds(quorum))")
    }

    /// A store's tooltip: engine, consistency, replication, placement, quorum, shards, leader.
    func storeTooltip(_ s: Store) -> String {
        var facts = [s.engine, "\(describeConsistency(s.consistency.value)) consistency", "\(s.replication.value.rawValue) replication",
                     describePlacement(s.placement, topology: a.topology)]
        if s.needsQuorum { facts.append("quorum read \(s.readQuorum) write \(s.writeQuorum)") }
        if let shards = s.shards { facts.append("\(shards) shards" + (s.proxy ? " behind a proxy" : "")) }
        if let l = s.leader { facts.append("leader in \(a.topology[l.value].name)") }
        return "store \(s.name) (\(facts.joined(separator: ", ")))"
    }
}
