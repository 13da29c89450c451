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
        CallsSceneBuild(analyses: analyses, findings: findings).run()
    }
}

/// The state of one build of the calls view, filled row by row: gateways, services, stores,
/// then the edges between them (CallsSceneEdges.swift) and the findings.
final class CallsSceneBuild {
    let a: Architecture
    let findings: [PreparedFinding]
    let graph: CallGraph
    let deployment: Deployment
    let model: LatencyModel
    /// The set whose requests are priced: the first.
    let set = 0

    /// Gateways, services and stores by name, in the order they are placed.
    let gateways: [Gateway]
    let services: [Service]
    let stores: [Store]

    var scene: Scene
    var rows = SlotRows()
    /// The next free line.
    var line = 0
    var gatewayNode: [String: Int] = [:]
    var gatewaySlot: [String: Int] = [:]
    var serviceSlot: [String: Int] = [:]
    var serviceContainer: [String: Int] = [:]
    var endpointNode: [EndpointID: Int] = [:]
    var storeNode: [String: Int] = [:]

    init(analyses: ArchitectureAnalyses, findings: [PreparedFinding]) {
        a = analyses.architecture
        self.findings = findings
        graph = analyses.callGraph
        deployment = analyses.deployment
        model = analyses.freshLatencyModel()
        gateways = a.gateways.sorted { $0.name < $1.name }
        services = a.services.sorted { $0.name < $1.name }
        stores = a.stores.sorted { $0.name < $1.name }
        scene = Scene(architecture: a.name, view: .calls, title: "\(a.name) — calls", subtitles: [], summary: "")
    }

    /// The drawn set's name (empty without sets).
    var setName: String { a.sets.isEmpty ? "" : a.sets[set].name }

    /// Services at most this many to a row; deeper call levels start new rows.
    var rowWidth: Int { max(6, Int((Double(a.services.count) * 1.5).squareRoot().rounded(.up))) }

    func run() -> Scene {
        var facts = ["p99 per hop from the latency model"]
        if a.striping.declared { facts.append("requests of set \(setName), nothing failed") } else { facts.append("nothing failed") }
        facts.append("public endpoints measured at the gateway")
        if let d = a.description, !d.isEmpty { scene.subtitles.append(d) }
        scene.subtitles.append(facts.joined(separator: " · "))
        scene.nodeHeight = 56
        scene.uniformWidths = false

        placeGateways()
        placeServices()
        placeStores()
        scene.slotCount = max(rows.slotCount, 1)
        scene.lineCount = max(line, 1)
        scene.edges = (routeEdges() + stepEdges()).sorted { $0.id < $1.id }
        attachFindings()
        scene.legendContainers = serviceContainer.isEmpty ? [] : [.service]
        scene.summary = summary()
        return scene
    }

    // MARK: Rows

    /// One row of gateways, in name order.
    private func placeGateways() {
        guard !gateways.isEmpty else { return }
        let row = rows.place(gateways.map(\.name), desired: { _ in nil })
        for g in gateways {
            gatewaySlot[g.name] = row[g.name]
            var details = ["\(g.engine.rawValue) gateway"]
            var second: [String] = []
            if let auth = g.auth { second.append("auth \(auth.value.rawValue)") }
            if let r = g.rateLimitPerSecond { second.append("\(trimNumber(r))/s") }
            if !second.isEmpty { details.append(second.joined(separator: " · ")) }
            var node = SceneNode(id: "n.gateway.\(g.name)", kind: .gateway, name: g.name, details: details,
                                 tooltip: "gateway \(g.name): " + g.routes.map { "\($0.prefix) → \($0.service)" }.joined(separator: ", "), replicas: 1)
            node.slot = row[g.name]!
            node.line = line
            gatewayNode[g.name] = scene.nodes.count
            scene.nodes.append(node)
        }
        line += 1
    }

    /// Services by call depth, every level in rows of at most ``rowWidth``, each service under
    /// the mean slot of what calls it (services and gateway routes).
    private func placeServices() {
        let callers = graph.serviceCallers()
        let depth = graph.serviceDepths()
        func desiredSlot(_ name: String) -> Double? {
            var slots: [Int] = []
            for caller in callers[name] ?? [] { if let s = serviceSlot[caller] { slots.append(s) } }
            for g in gateways where g.routes.contains(where: { $0.service == name }) { if let s = gatewaySlot[g.name] { slots.append(s) } }
            return slots.isEmpty ? nil : Double(slots.reduce(0, +)) / Double(slots.count)
        }
        let maxDepth = services.map { depth[$0.name] ?? 0 }.max() ?? 0
        for d in 0...max(0, maxDepth) where !services.isEmpty {
            let level = services.filter { (depth[$0.name] ?? 0) == d }
            guard !level.isEmpty else { continue }
            // Order the level by where its callers are, then cut it into rows.
            let ordered = level.map { (key: $0.name, want: desiredSlot($0.name), service: $0) }
                .sorted { SlotRows.precedes(($0.key, $0.want), ($1.key, $1.want)) }.map(\.service)
            var start = 0
            while start < ordered.count {
                let chunk = Array(ordered[start..<min(start + rowWidth, ordered.count)])
                start += rowWidth
                placeServiceRow(chunk, slots: rows.place(chunk.map(\.name), desired: desiredSlot))
            }
        }
    }

    /// One row of services: a box per service around its endpoints, one endpoint per line.
    private func placeServiceRow(_ row: [Service], slots: [String: Int]) {
        let lines = row.map { $0.endpoints.count }.max() ?? 1
        for s in row {
            let slot = slots[s.name]!
            serviceSlot[s.name] = slot
            let endpoints = s.endpoints.sorted { $0.name < $1.name }
            for (k, e) in endpoints.enumerated() {
                var node = makeEndpointNode(s, e)
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

    /// One row of stores, each under the mean slot of its readers and writers (one per step).
    private func placeStores() {
        guard !stores.isEmpty else { return }
        var users: [String: [Int]] = [:]
        for s in services {
            for e in s.endpoints {
                forEachStep(e.steps) { step in
                    switch step {
                    case .read(let x), .write(let x): if let slot = self.serviceSlot[s.name] { users[x.store, default: []].append(slot) }
                    default: break
                    }
                }
            }
        }
        let row = rows.place(stores.map(\.name), desired: { name in
            let u = users[name] ?? []
            return u.isEmpty ? nil : Double(u.reduce(0, +)) / Double(u.count)
        })
        for st in stores {
            var node = SceneNode(id: "n.store.\(st.name)", kind: .store, name: st.name,
                                 details: ["\(st.engine) · \(describeConsistency(st.consistency.value))",
                                           "\(st.replication.value.rawValue) · \(describePlacement(st.placement, topology: a.topology))"],
                                 tooltip: storeTooltip(st), replicas: 1)
            node.slot = row[st.name]!
            node.line = line
            storeNode[st.name] = scene.nodes.count
            scene.nodes.append(node)
        }
        line += 1
    }

    // MARK: Findings and summary

    private func attachFindings() {
        scene.attach(findings) { block in
            switch block {
            case .architecture: return .title
            case .endpoint(let s, let e): return self.endpointNode[EndpointID(s, e)].map(SceneOwner.node)
            case .service(let name): return self.serviceContainer[name].map(SceneOwner.container)
            case .store(let name): return self.storeNode[name].map(SceneOwner.node)
            case .gateway(let name): return self.gatewayNode[name].map(SceneOwner.node)
            case .access, .cdn, .discovery, .sets: return nil
            }
        }
    }

    /// The `<desc>`.
    private func summary() -> String {
        let calls = scene.edges.filter { $0.id.hasPrefix("e.call.") }.count
        var summary = "Endpoint call graph of \(a.name)"
        if let d = a.description, !d.isEmpty { summary += " (\(d))" }
        summary += ": \(gateways.count) gateway\(gateways.count == 1 ? "" : "s") on top, \(services.count) services in rows by call depth, "
        summary += "\(stores.count) stores at the bottom; \(calls) calls, each edge tagged with its p99 cost"
        summary += a.striping.declared ? " for requests of set \(setName)" : ""
        summary += ". \(scene.findings.count) finding\(scene.findings.count == 1 ? "" : "s")."
        return summary
    }
}

/// Places rows of boxes left to right, each box at the slot it wants (rounded) unless a box
/// placed before it already took that slot; counts the slots the widest row needs.
struct SlotRows {
    private(set) var slotCount = 0

    /// The slot of each of `names`: those that want a slot in order of it, then the rest by name.
    mutating func place(_ names: [String], desired: (String) -> Double?) -> [String: Int] {
        let ordered = names.map { (key: $0, want: desired($0)) }.sorted(by: SlotRows.precedes)
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

    /// Order of a row: by desired slot, boxes without one after those with one, ties by name.
    static func precedes(_ a: (key: String, want: Double?), _ b: (key: String, want: Double?)) -> Bool {
        switch (a.want, b.want) {
        case let (x?, y?) where x != y: return x < y
        case (nil, _?): return false
        case (_?, nil): return true
        default: return a.key < b.key
        }
    }
}
