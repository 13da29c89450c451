import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// Builds the `calls` view: gateways on top, services in rows by call depth
/// (each a box around its endpoints), stores at the bottom. Every edge is one
/// step of an endpoint (a route, a call, a read or a write) tagged with its
/// p99 cost from the latency model, in the first set with nothing failed.
struct CallsSceneBuilder {
    let analyses: ArchitectureAnalyses
    let findings: [PreparedFinding]

    func build() -> Scene {
        CallsBuild(analyses: analyses, findings: findings).run()
    }
}

private final class CallsBuild {
    let a: Architecture
    let findings: [PreparedFinding]
    let deployment: Deployment
    let model: LatencyModel
    let set = 0

    init(analyses: ArchitectureAnalyses, findings: [PreparedFinding]) {
        a = analyses.architecture
        self.findings = findings
        deployment = analyses.deployment
        model = analyses.freshLatencyModel()
    }

    /// Services at most this many to a row; deeper call levels start new rows.
    var rowWidth: Int { max(6, Int((Double(a.services.count) * 1.5).squareRoot().rounded(.up))) }

    func run() -> Scene {
        let setName = a.sets.isEmpty ? "" : a.sets[set].name
        var facts = ["p99 per hop from the latency model"]
        if a.striping.declared { facts.append("requests of set \(setName), nothing failed") } else { facts.append("nothing failed") }
        facts.append("public endpoints measured at the gateway")
        var subtitles: [String] = []
        if let d = a.description, !d.isEmpty { subtitles.append(d) }
        subtitles.append(facts.joined(separator: " · "))
        var scene = Scene(architecture: a.name, view: .calls, title: "\(a.name) — calls", subtitles: subtitles, summary: "")
        scene.nodeHeight = 56
        scene.uniformWidths = false

        // Rows by call depth: every service below what calls it.
        let services = a.services.sorted { $0.name < $1.name }
        let callers = deployment.graph.serviceCallers()
        let depth = deployment.graph.serviceDepths()

        // Slots: each row places its boxes under the mean slot of what calls them.
        var slotOf: [String: Int] = [:]  // "g:NAME", "s:NAME", "d:NAME"
        var line = 0
        var slotCount = 0
        func placeRow(_ keys: [String], desired: (String) -> Double?) -> [String: Int] {
            let ordered = keys.map { (key: $0, want: desired($0)) }.sorted { a, b in
                switch (a.want, b.want) {
                case let (x?, y?) where x != y: return x < y
                case (nil, _?): return false
                case (_?, nil): return true
                default: return a.key < b.key
                }
            }
            var result: [String: Int] = [:]
            var next = 0
            for item in ordered {
                let want = item.want.map { Int($0.rounded()) } ?? next
                let slot = max(want, next)
                result[item.key] = slot
                next = slot + 1
            }
            slotCount = max(slotCount, next)
            return result
        }

        // Gateways.
        let gateways = a.gateways.sorted { $0.name < $1.name }
        if !gateways.isEmpty {
            let row = placeRow(gateways.map { "g:" + $0.name }, desired: { _ in nil })
            for g in gateways {
                slotOf["g:" + g.name] = row["g:" + g.name]
                var details = ["\(g.engine.rawValue) gateway"]
                var second: [String] = []
                if let auth = g.auth { second.append("auth \(auth.value.rawValue)") }
                if let r = g.rateLimitPerSecond { second.append("\(trimNumber(r))/s") }
                if !second.isEmpty { details.append(second.joined(separator: " · ")) }
                var node = SceneNode(id: "n.gateway.\(g.name)", kind: .gateway, name: g.name, details: details,
                                     tooltip: "gateway \(g.name): " + g.routes.map { "\($0.prefix) → \($0.service)" }.joined(separator: ", "), replicas: 1)
                node.slot = row["g:" + g.name]!
                node.line = line
                scene.nodes.append(node)
            }
            line += 1
        }

        // Services by depth, in rows of at most `rowWidth`.
        let maxDepth = services.map { depth[$0.name] ?? 0 }.max() ?? 0
        var endpointNode: [EndpointID: Int] = [:]
        var serviceContainer: [String: Int] = [:]
        for d in 0...max(0, maxDepth) where !services.isEmpty {
            let level = services.filter { (depth[$0.name] ?? 0) == d }
            guard !level.isEmpty else { continue }
            func want(_ name: String) -> Double? {
                var slots: [Int] = []
                for caller in callers[name] ?? [] { if let s = slotOf["s:" + caller] { slots.append(s) } }
                for g in gateways where g.routes.contains(where: { $0.service == name }) { if let s = slotOf["g:" + g.name] { slots.append(s) } }
                return slots.isEmpty ? nil : Double(slots.reduce(0, +)) / Double(slots.count)
            }
            // Order the level by where its callers are, then cut it into rows.
            let ordered = level.map { ($0, want($0.name)) }.sorted { x, y in
                switch (x.1, y.1) {
                case let (p?, q?) where p != q: return p < q
                case (nil, _?): return false
                case (_?, nil): return true
                default: return x.0.name < y.0.name
                }
            }.map(\.0)
            var start = 0
            while start < ordered.count {
                let chunk = Array(ordered[start..<min(start + rowWidth, ordered.count)])
                start += rowWidth
                let row = placeRow(chunk.map { "s:" + $0.name }, desired: { want(String($0.dropFirst(2))) })
                let lines = chunk.map { $0.endpoints.count }.max() ?? 1
                for s in chunk {
                    let slot = row["s:" + s.name]!
                    slotOf["s:" + s.name] = slot
                    let endpoints = s.endpoints.sorted { $0.name < $1.name }
                    for (k, e) in endpoints.enumerated() {
                        var node = endpointSceneNode(s, e)
                        node.slot = slot
                        node.line = line + k
                        endpointNode[EndpointID(s.name, e.name)] = scene.nodes.count
                        scene.nodes.append(node)
                    }
                    let kind = s.stateful ? "stateful" : "stateless"
                    let placement = describePlacement(s.placement, topology: a.topology)
                    let c = SceneContainer(id: "c.service.\(s.name)", kind: .service, label: "\(s.name) · \(kind)",
                                           tooltip: "service \(s.name) (\(kind), \(placement)) and its endpoints",
                                           slots: slot...slot, lines: line...(line + max(endpoints.count, 1) - 1), parent: nil)
                    serviceContainer[s.name] = scene.containers.count
                    scene.containers.append(c)
                }
                line += max(lines, 1)
            }
        }

        // Stores, under the mean slot of their readers and writers.
        let stores = a.stores.sorted { $0.name < $1.name }
        var storeNode: [String: Int] = [:]
        if !stores.isEmpty {
            var users: [String: [Int]] = [:]
            for s in services {
                for e in s.endpoints {
                    forEachStep(e.steps) { step in
                        switch step {
                        case .read(let x), .write(let x): if let slot = slotOf["s:" + s.name] { users[x.store, default: []].append(slot) }
                        default: break
                        }
                    }
                }
            }
            let row = placeRow(stores.map { "d:" + $0.name }, desired: { key in
                let u = users[String(key.dropFirst(2))] ?? []
                return u.isEmpty ? nil : Double(u.reduce(0, +)) / Double(u.count)
            })
            for st in stores {
                let slot = row["d:" + st.name]!
                var node = SceneNode(id: "n.store.\(st.name)", kind: .store, name: st.name,
                                     details: ["\(st.engine) · \(describeConsistency(st.consistency.value))",
                                               "\(st.replication.value.rawValue) · \(describePlacement(st.placement, topology: a.topology))"],
                                     tooltip: storeTooltip(st), replicas: 1)
                node.slot = slot
                node.line = line
                storeNode[st.name] = scene.nodes.count
                scene.nodes.append(node)
            }
            line += 1
        }
        scene.slotCount = max(slotCount, 1)
        scene.lineCount = max(line, 1)

        // Edges: routes, calls, reads and writes.
        var edges: [SceneEdge] = []
        for pe in deployment.graph.publicEndpoints {
            guard let gi = scene.nodes.firstIndex(where: { $0.id == "n.gateway.\(pe.gateway)" }), let ei = endpointNode[pe.endpoint] else { continue }
            let hop = gatewayHop(pe)
            var tip = "gateway \(pe.gateway) routes \(pe.route.prefix) to \(pe.endpoint)"
            if let ms = pe.route.timeoutMilliseconds { tip += " (timeout \(formatDuration(ms)))" }
            if let hop { tip += "; gateway and forwarding cost \(formatMilliseconds(hop)) at p99" }
            edges.append(SceneEdge(id: "e.route.\(pe.gateway)_\(pe.endpoint.service).\(pe.endpoint.endpoint)", style: .call, source: gi, target: ei,
                                   tooltip: tip, tag: hop.map(formatMilliseconds) ?? "n/a"))
        }
        for s in services {
            let machine = instanceMachine(s.name)
            for e in s.endpoints {
                guard let from = endpointNode[EndpointID(s.name, e.name)] else { continue }
                walk(e.steps, path: "s") { step, path in
                    let base = "\(s.name).\(e.name)"
                    switch step {
                    case .call(let call):
                        guard let to = endpointNode[EndpointID(call.service, call.endpoint)] else { return }
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
                        edges.append(SceneEdge(id: "e.call.\(base).\(path)", style: style, source: from, target: to, tooltip: tip, tag: tag))
                    case .read(let access), .write(let access):
                        let write: Bool = { if case .write = step { return true } else { return false } }()
                        guard let to = storeNode[access.store], let store = a.store(access.store) else { return }
                        let verb = write ? "write" : "read"
                        let cost = machine.flatMap { storeCost(store, access: access, write: write, from: $0) }
                        var tip = "\(base) \(verb)s \(access.store)" + (access.local ? " (nearest replica, may be stale)" : "")
                        if let cost { tip += "; p99 \(formatMilliseconds(cost.ms)) (\(cost.how))" }
                        edges.append(SceneEdge(id: "e.\(verb).\(base).\(path)", style: .call, source: from, target: to, tooltip: tip,
                                               tag: "\(verb) " + (cost.map { formatMilliseconds($0.ms) } ?? "n/a")))
                    case .work, .parallel:
                        break
                    }
                }
            }
        }
        scene.edges = edges.sorted { $0.id < $1.id }

        // Findings.
        let gatewayNodes = Dictionary(uniqueKeysWithValues: scene.nodes.enumerated().filter { $0.element.kind == .gateway }.map { ($0.element.name, $0.offset) })
        scene.attach(findings) { block in
            switch block {
            case .architecture: return .title
            case .endpoint(let s, let e): return endpointNode[EndpointID(s, e)].map(SceneOwner.node)
            case .service(let name): return serviceContainer[name].map(SceneOwner.container)
            case .store(let name): return storeNode[name].map(SceneOwner.node)
            case .gateway(let name): return gatewayNodes[name].map(SceneOwner.node)
            case .access, .discovery, .sets: return nil
            }
        }
        scene.legendContainers = serviceContainer.isEmpty ? [] : [.service]
        let calls = scene.edges.filter { $0.id.hasPrefix("e.call.") }.count
        var summary = "Endpoint call graph of \(a.name)"
        if let d = a.description, !d.isEmpty { summary += " (\(d))" }
        summary += ": \(gateways.count) gateway\(gateways.count == 1 ? "" : "s") on top, \(services.count) services in rows by call depth, "
        summary += "\(stores.count) stores at the bottom; \(calls) calls, each edge tagged with its p99 cost"
        summary += a.striping.declared ? " for requests of set \(setName)" : ""
        summary += ". \(scene.findings.count) finding\(scene.findings.count == 1 ? "" : "s")."
        scene.summary = summary
        return scene
    }

    /// Steps with their path in the endpoint (`s2`, `s3.1` for the first branch of a `parallel` at step 3).
    private func walk(_ steps: [Step], path: String, _ body: (Step, String) -> Void) {
        for (i, step) in steps.enumerated() {
            let here = path == "s" ? "s\(i + 1)" : "\(path).\(i + 1)"
            if case .parallel(let branches, _) = step { walk(branches, path: here, body) } else { body(step, here) }
        }
    }

    private func endpointSceneNode(_ s: Service, _ e: Endpoint) -> SceneNode {
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
        guard let index = deployment.graph.indexOf[id] else { return nil }
        if let pe = deployment.graph.publicEndpoints.first(where: { $0.endpoint == id }) {
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

    private func storeTooltip(_ s: Store) -> String {
        var facts = [s.engine, "\(describeConsistency(s.consistency.value)) consistency", "\(s.replication.value.rawValue) replication",
                     describePlacement(s.placement, topology: a.topology)]
        if s.needsQuorum { facts.append("quorum read \(s.readQuorum) write \(s.writeQuorum)") }
        if let shards = s.shards { facts.append("\(shards) shards" + (s.proxy ? " behind a proxy" : "")) }
        if let l = s.leader { facts.append("leader in \(a.topology[l.value].name)") }
        return "store \(s.name) (\(facts.joined(separator: ", ")))"
    }
}
