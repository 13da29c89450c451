import StrataModel

/// The topology's edges, where the latency model sends requests: each gateway box to the
/// nearest instance of each routed service, each service box to the nearest instance of each
/// callee, writes (and strong reads) to a store's leader, callers to their nearest registry
/// replica, and each store's leader to its other replicas.
extension TopologySceneBuild {
    func addEdges(_ drafts: inout EdgeDrafts, clients: Bool, cdn: Bool) {
        let insideGroups = groups.filter { if case .group(_, let col, _) = $0.key { col != outsideColumn } else { false } }
            .map { (id: nodeID($0.key), key: $0.key, value: $0.value) }
            .sorted { $0.id < $1.id }
        if cdn { drafts.add(.call, from: .clients, to: .cdn, "clients fetch static content (\(architecture.access!.cdn.map(\.path).joined(separator: ", "))) from the CDN") }
        for (_, key, instances) in insideGroups {
            guard case .group(let ci, _, let set) = key, let first = instances.first else { continue }
            let c = components[ci]
            switch c.kind {
            case .gateway:
                guard let g = architecture.gateway(c.name) else { continue }
                addGatewayEdges(&drafts, g, key: key, machine: first.machine, set: set, clients: clients)
            case .service:
                guard let svc = architecture.service(c.name) else { continue }
                addServiceEdges(&drafts, svc, key: key, machine: first.machine, set: set)
            case .registry, .store:
                break
            }
        }
        addReplicationEdges(&drafts)
    }

    /// The registry replica nearest to `machine`, when services find each other through a registry.
    private func nearestRegistry(from machine: DomainID, set: Int?) -> TopologySceneBuilder.NodeKey? {
        let registry = ComponentID(.registry, "registry")
        guard architecture.discovery?.mode == .registry, architecture.instances[registry]?.isEmpty == false,
              let r = nearest(registry, from: machine, set: set) else { return nil }
        return key(of: r)
    }

    /// Clients to the gateway, the gateway to each routed service, and to its registry.
    private func addGatewayEdges(_ drafts: inout EdgeDrafts, _ g: Gateway, key: TopologySceneBuilder.NodeKey, machine: DomainID, set: Int?, clients: Bool) {
        let here = describeGroup(key)
        if clients {
            let how = architecture.access?.regionalNearest == true ? "nearest region" : "entry"
            drafts.add(.call, from: .clients, to: key, "clients reach gateway \(g.name) \(here) (\(how))")
        }
        for route in g.routes {
            guard let t = nearest(ComponentID(.service, route.service), from: machine, set: set), let tk = self.key(of: t) else { continue }
            var text = "gateway \(g.name) routes \(route.prefix) to \(route.service)"
            if let ms = route.timeoutMilliseconds { text += " (timeout \(formatDuration(ms))" + (route.retries > 0 ? ", retries \(route.retries))" : ")") }
            drafts.add(.call, from: key, to: tk, text)
        }
        if let rk = nearestRegistry(from: machine, set: set) {
            drafts.add(.discovery, from: key, to: rk, "gateway \(g.name) \(here) finds service instances through the \(architecture.discovery!.engine.rawValue) registry")
        }
    }

    /// A service box to what its endpoints call, write and read, and to its registry.
    private func addServiceEdges(_ drafts: inout EdgeDrafts, _ svc: Service, key: TopologySceneBuilder.NodeKey, machine: DomainID, set: Int?) {
        let steps = steps(of: svc)
        for call in steps.calls {
            guard let t = nearest(index: call.callee, from: machine, set: set), let tk = self.key(of: t), tk != key else { continue }
            drafts.add(call.style, from: key, to: tk, call.text)
        }
        for write in steps.writes {
            if let l = leader(of: write.store, index: write.index, set: set), let lk = self.key(of: l) { drafts.add(.call, from: key, to: lk, write.text) }
        }
        for read in steps.reads {
            let target = read.atLeader ? leader(of: read.store, index: read.index, set: set) : nearest(index: read.index, from: machine, set: set)
            if let t = target, let tk = self.key(of: t) { drafts.add(.call, from: key, to: tk, read.text) }
        }
        // A monolith calls in process: only its gateways look services up.
        if architecture.style != .monolith, steps.makesCalls, let rk = nearestRegistry(from: machine, set: set) {
            drafts.add(.discovery, from: key, to: rk, "service \(svc.name) \(describeGroup(key)) finds its callees through the \(architecture.discovery!.engine.rawValue) registry")
        }
    }

    /// From each store's leader to every other replica group.
    private func addReplicationEdges(_ drafts: inout EdgeDrafts) {
        for store in architecture.stores.sorted(by: { $0.name < $1.name }) {
            let c = ComponentID(.store, store.name)
            let voterSets: [Int?] = builder.isStriped(c) ? (builder.focusSet.map { [$0] } ?? architecture.sets.indices.map { $0 }) : [nil]
            for set in voterSets {
                guard let leader = leader(of: store, set: set), let lk = key(of: leader) else { continue }
                var targets: [TopologySceneBuilder.NodeKey] = []
                for v in candidates(c, set: set) {
                    if let k = key(of: v), k != lk, !targets.contains(k) { targets.append(k) }
                }
                let mode = store.replication.value == .sync ? "synchronous (a write commits on a quorum of \(store.writeQuorum))" : "asynchronous"
                for t in targets {
                    drafts.add(.replication, from: lk, to: t, "\(store.name) replicates \(mode) from its leader \(describeGroup(lk)) to \(describeGroup(t))")
                }
            }
        }
    }

    /// What a service's endpoints call, read and write, with tooltip text; the same for every node of the service.
    func steps(of svc: Service) -> ServiceSteps {
        if let cached = stepsCache[svc.name] { return cached }
        var byCallee: [String: [(String, Call)]] = [:]
        var reads: [String: [(String, StoreAccess)]] = [:]
        var writes: [String: [String]] = [:]
        for e in svc.endpoints.sorted(by: { $0.name < $1.name }) {
            forEachStep(e.steps) { step in
                switch step {
                case .call(let call): byCallee[call.service, default: []].append((e.name, call))
                case .read(let access): reads[access.store, default: []].append((e.name, access))
                case .write(let access): writes[access.store, default: []].append(e.name)
                case .work, .parallel: break
                }
            }
        }
        var result = ServiceSteps()
        result.makesCalls = !byCallee.isEmpty
        for callee in byCallee.keys.sorted() {
            guard let calleeIndex = componentIndex[ComponentID(.service, callee)] else { continue }
            let calls = byCallee[callee]!
            let style: EdgeStyle = calls.contains { $0.1.isHard } ? .call : (calls.allSatisfy { $0.1.async } ? .async : .optional)
            let lines = calls.map { (endpoint, call) -> String in
                var opts = ["timeout \(formatDuration(call.timeoutMilliseconds))"]
                if call.retries > 0 { opts.append("retries \(call.retries)") }
                if call.optional { opts.append("optional") }
                if call.async { opts.append("async") }
                return "\(svc.name).\(endpoint) calls \(call.service).\(call.endpoint) (\(opts.joined(separator: ", ")))"
            }
            result.calls.append((calleeIndex, style, lines.joined(separator: "; ")))
        }
        for storeName in Set(reads.keys).union(writes.keys).sorted() {
            guard let store = architecture.store(storeName) else { continue }
            guard let storeIndex = componentIndex[ComponentID(.store, storeName)] else { continue }
            if let w = writes[storeName] {
                result.writes.append((store, storeIndex, "\(w.map { "\(svc.name).\($0)" }.joined(separator: ", ")) write\(w.count == 1 ? "s" : "") \(storeName) at its leader"))
            }
            for (endpoint, access) in reads[storeName] ?? [] {
                let atLeader = !access.local && store.consistency.value == .strong
                result.reads.append((store, storeIndex, atLeader, "\(svc.name).\(endpoint) reads \(storeName) " + (atLeader ? "at its leader" : "from the nearest replica")))
            }
        }
        stepsCache[svc.name] = result
        return result
    }

    // MARK: Naming

    /// A node's id, from its model path: `n.service.orders.in.sh-a.set.sh-a`.
    func nodeID(_ k: TopologySceneBuilder.NodeKey) -> String {
        if let id = idCache[k] { return id }
        let id: String
        switch k {
        case .clients: id = "n.clients"
        case .cdn: id = "n.cdn"
        case .group(let ci, let col, let set):
            let c = components[ci]
            var path = "n.\(c.kind.rawValue).\(c.name)"
            path += col == outsideColumn ? ".outside" : ".in.\(topology[leaves[col]].name)"
            if let set { path += ".set.\(architecture.sets[set].name)" }
            id = path
        }
        idCache[k] = id
        return id
    }

    /// `in idc sh-a (set sh-a)`, `outside set sh-a`.
    func describeGroup(_ k: TopologySceneBuilder.NodeKey) -> String {
        switch k {
        case .clients: return "clients"
        case .cdn: return "CDN"
        case .group(let ci, let col, let set):
            let c = components[ci]
            let name = c.kind == .registry ? "registry" : "\(c.kind.rawValue) \(c.name)"
            if col == outsideColumn { return "\(name) outside set \(architecture.sets[builder.focusSet!].name)" }
            let leaf = topology[leaves[col]]
            return "\(name) in \(leaf.level) \(leaf.name)" + (set.map { " (set \(architecture.sets[$0].name))" } ?? "")
        }
    }
}

/// What a service's endpoints call, read and write, with tooltip text.
struct ServiceSteps {
    var calls: [(callee: Int, style: EdgeStyle, text: String)] = []
    /// True when any endpoint calls (its own service included): the service looks callees up.
    var makesCalls = false
    var writes: [(store: Store, index: Int, text: String)] = []
    var reads: [(store: Store, index: Int, atLeader: Bool, text: String)] = []
}

/// Edges collected while walking the model, merged per (style, source, target).
/// Node keys are interned to integers so that merging hashes small values.
struct EdgeDrafts {
    struct Draft {
        let style: EdgeStyle
        let from: TopologySceneBuilder.NodeKey
        let to: TopologySceneBuilder.NodeKey
        let lines: [String]
        let id: String
    }
    private var index: [TopologySceneBuilder.NodeKey: Int] = [:]
    private var keys: [TopologySceneBuilder.NodeKey] = []
    private var slots: [Int: Int] = [:]
    private var entries: [(style: EdgeStyle, from: Int, to: Int, lines: [String])] = []

    private mutating func intern(_ k: TopologySceneBuilder.NodeKey) -> Int {
        if let i = index[k] { return i }
        index[k] = keys.count
        keys.append(k)
        return keys.count - 1
    }

    mutating func add(_ style: EdgeStyle, from: TopologySceneBuilder.NodeKey, to: TopologySceneBuilder.NodeKey, _ text: String) {
        guard from != to else { return }
        let f = intern(from), t = intern(to)
        let packed = (EdgeStyle.allCases.firstIndex(of: style)! << 50) | (f << 25) | t
        if let e = slots[packed] {
            if !entries[e].lines.contains(text) { entries[e].lines.append(text) }
        } else {
            slots[packed] = entries.count
            entries.append((style, f, t, [text]))
        }
    }

    var referencedKeys: Set<TopologySceneBuilder.NodeKey> { Set(keys) }

    /// Every draft with its edge id (`e.STYLE.FROM_TO`), ordered by style, then source and target node ids; tooltip lines sorted.
    func sorted(nodeID: (TopologySceneBuilder.NodeKey) -> String) -> [Draft] {
        let ids = keys.map(nodeID)
        // Rank node ids once, then order the edges by one packed integer each.
        var rank = Array(repeating: 0, count: ids.count)
        for (r, i) in ids.indices.sorted(by: { ids[$0] < ids[$1] }).enumerated() { rank[i] = r }
        let styles = EdgeStyle.allCases.sorted { $0.rawValue < $1.rawValue }
        var styleRank: [EdgeStyle: Int] = [:]
        for (r, style) in styles.enumerated() { styleRank[style] = r }
        let order = entries.indices.map { i -> (key: Int, index: Int) in
            let e = entries[i]
            return ((styleRank[e.style]! << 44) | (rank[e.from] << 22) | rank[e.to], i)
        }.sorted { $0.key < $1.key }
        return order.map { item in
            let e = entries[item.index]
            return Draft(style: e.style, from: keys[e.from], to: keys[e.to], lines: e.lines.count > 1 ? e.lines.sorted() : e.lines,
                         id: "e.\(e.style.rawValue).\(ids[e.from])_\(ids[e.to])")
        }
    }
}
