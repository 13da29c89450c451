import StrataModel

/// The text of the topology: title and facts, every box's name, details and tooltip, the
/// containers' tooltips and the `<desc>`.
extension TopologySceneBuild {
    /// The scene with its title and subtitles (the facts of the architecture), nothing placed yet.
    func makeScene() -> Scene {
        let a = architecture
        let title = "\(a.name) — " + (builder.focusSet.map { a.striping.declared ? "set \(a.sets[$0].name)" : "set \(a.sets[$0].name) (no sets declared: the whole system)" } ?? "topology")
        var facts: [String] = ["survive \(a.survive)"]
        if let slo = a.slo { facts.append("slo \(formatPercent(slo.value))") }
        if a.striping.declared {
            var sets = "\(a.sets.count) set\(a.sets.count == 1 ? "" : "s")"
            if let level = a.striping.stripeLevel { sets += " (stripe \(level))" }
            facts.append(sets)
            switch a.striping.routing {
            case .headerHash(let h): facts.append("routed by hash of header \(h)")
            case .cookie(let c): facts.append("routed by cookie \(c)")
            case nil: break
            }
            facts.append("failover \(a.striping.failover.rawValue)")
        }
        if let d = a.discovery {
            facts.append(d.mode == .mesh ? "discovery: \(d.engine.rawValue) mesh sidecars" : "discovery: \(d.engine.rawValue) registry")
        }
        if a.style == .monolith { facts.append("monolith (calls in-process)") }
        facts.append("columns: \(builder.leafLevel == .rack ? "racks" : "IDCs")")
        var subtitles: [String] = []
        if let d = a.description, !d.isEmpty { subtitles.append(d) }
        subtitles.append(facts.joined(separator: " · "))
        return Scene(architecture: a.name, view: builder.focusSet.map { .set(a.sets[$0].name) } ?? .topology, title: title, subtitles: subtitles, summary: "")
    }

    /// The box of a node key, not yet placed.
    func makeNode(_ k: TopologySceneBuilder.NodeKey) -> SceneNode {
        let a = architecture
        switch k {
        case .clients:
            let nearest = a.access?.regionalNearest == true
            return SceneNode(id: nodeID(k), kind: .clients, name: "clients", details: [nearest ? "nearest region" : "users"],
                             tooltip: "Clients: users of \(a.name)" + (nearest ? ", sent to the nearest region" : ""), replicas: 1)
        case .cdn:
            let rules = a.access?.cdn ?? []
            let first = rules.first.map { $0.path } ?? ""
            let tip = rules.map { r in r.path + (r.ttlMilliseconds.map { " cached for \(formatDuration($0))" } ?? "") }.joined(separator: ", ")
            return SceneNode(id: nodeID(k), kind: .cdn, name: "cdn", details: [first + (rules.count > 1 ? " +\(rules.count - 1)" : "")],
                             tooltip: "CDN edge cache: \(tip)", replicas: 1)
        case .group(let ci, _, _):
            let c = components[ci]
            let instances = groups[k] ?? []
            let placement = architecture.placement(of: c).map { describePlacement($0, topology: topology) } ?? ""
            let whereText = describeWhere(k, instances)
            switch c.kind {
            case .gateway: return gatewayNode(k, c, replicas: instances.count, placement: placement, whereText: whereText)
            case .service: return serviceNode(k, c, replicas: instances.count, placement: placement, whereText: whereText)
            case .registry:
                let engine = architecture.discovery?.engine.rawValue ?? "registry"
                let n = instances.count
                return SceneNode(id: nodeID(k), kind: .registry, name: "registry", details: [engine + replicaSuffix(n)],
                                 tooltip: "discovery registry (\(engine), \(placement)): \(whereText)", replicas: n)
            case .store: return storeNode(k, c, instances: instances, placement: placement, whereText: whereText)
            }
        }
    }

    private func gatewayNode(_ k: TopologySceneBuilder.NodeKey, _ c: ComponentID, replicas n: Int, placement: String, whereText: String) -> SceneNode {
        let g = architecture.gateway(c.name)
        var facts = [g?.engine.rawValue ?? "envoy"]
        if let auth = g?.auth { facts.append("auth \(auth.value.rawValue)") }
        if let r = g?.rateLimitPerSecond { facts.append("rate limit \(trimNumber(r))/s per instance") }
        facts.append(placement)
        return SceneNode(id: nodeID(k), kind: .gateway, name: c.name, details: ["\(g?.engine.rawValue ?? "envoy") gateway" + replicaSuffix(n)],
                         tooltip: "gateway \(c.name) (\(facts.joined(separator: ", "))): \(whereText)", replicas: n)
    }

    private func serviceNode(_ k: TopologySceneBuilder.NodeKey, _ c: ComponentID, replicas n: Int, placement: String, whereText: String) -> SceneNode {
        let s = architecture.service(c.name)
        let stateful = s?.stateful == true
        var detail = stateful ? "stateful" : "stateless"
        if let cap = s?.cap { detail += " · \(cap.value.rawValue)" }
        var facts = [stateful ? "stateful" : "stateless"]
        if let key = s?.key { facts.append("key \(key.value)") }
        if let cap = s?.cap { facts.append("claims \(cap.value.rawValue.uppercased())") }
        if let scale = s?.autoscale { facts.append("scales \(scale.min)..\(scale.max) at cpu \(trimNumber(scale.cpuPercent))%") } else { facts.append(placement) }
        if let e = s?.endpoints { facts.append("\(e.count) endpoint\(e.count == 1 ? "" : "s")") }
        return SceneNode(id: nodeID(k), kind: stateful ? .statefulService : .service, name: c.name, details: [detail + replicaSuffix(n)],
                         tooltip: "service \(c.name) (\(facts.joined(separator: ", "))): \(whereText)", replicas: n)
    }

    /// A store's box says `leader` when it holds the voter that takes the writes of its set.
    private func storeNode(_ k: TopologySceneBuilder.NodeKey, _ c: ComponentID, instances: [Instance], placement: String, whereText: String) -> SceneNode {
        let n = instances.count
        let s = architecture.store(c.name)
        let set: Int? = { if case .group(_, _, let set) = k { return set } else { return nil } }()
        let isLeader = s.flatMap { leader(of: $0, set: builder.isStriped(c) ? (builder.focusSet ?? set) : nil) }.map { l in instances.contains(l) } ?? false
        var facts: [String] = []
        if let s {
            facts.append(s.engine)
            facts.append("\(describeConsistency(s.consistency.value)) consistency")
            facts.append("\(s.replication.value.rawValue) replication")
            if s.needsQuorum { facts.append("quorum read \(s.readQuorum) write \(s.writeQuorum)") }
            if let shards = s.shards { facts.append("\(shards) shards" + (s.shardKey.map { " by \($0)" } ?? "") + (s.proxy ? " behind a proxy" : "")) }
            facts.append(placement)
        }
        let detail = (s?.engine ?? "store") + replicaSuffix(n) + (isLeader ? " · leader" : "")
        return SceneNode(id: nodeID(k), kind: .store, name: c.name, details: [detail],
                         tooltip: "store \(c.name) (\(facts.joined(separator: ", "))): \(whereText)" + (isLeader ? "; holds the leader" : ""),
                         replicas: n)
    }

    /// `3 instances in idc sh-a (set sh-a) on racks sh-a-r1, sh-a-r2`.
    private func describeWhere(_ k: TopologySceneBuilder.NodeKey, _ instances: [Instance]) -> String {
        guard case .group(_, let col, let set) = k else { return "" }
        let n = instances.count
        let count = "\(n) instance\(n == 1 ? "" : "s")"
        if col == outsideColumn {
            var places: [String] = []
            for i in instances {
                let d = topology.ancestor(of: i.machine, at: builder.leafLevel) ?? i.machine
                let text = "\(topology[d].level) \(topology[d].name)"
                if !places.contains(text) { places.append(text) }
            }
            return "\(count) outside set \(architecture.sets[builder.focusSet!].name), in \(places.joined(separator: ", "))"
        }
        let leaf = topology[leaves[col]]
        var racks: [String] = []
        for i in instances {
            if let r = topology.ancestor(of: i.machine, at: .rack), !racks.contains(topology[r].name) { racks.append(topology[r].name) }
        }
        var text = "\(count) in \(leaf.level) \(leaf.name)" + (set.map { " for set \(architecture.sets[$0].name)" } ?? "")
        if leaf.level > .rack, !racks.isEmpty { text += " on rack\(racks.count == 1 ? "" : "s") \(racks.sorted().joined(separator: ", "))" }
        return text
    }

    /// `idc sh-a in city shanghai, region east: 2 racks`.
    func domainTooltip(_ d: DomainID) -> String {
        let dom = topology[d]
        var text = "\(dom.level) \(dom.name)"
        let up = topology.ancestors(of: d).dropFirst().map { "\(topology[$0].level) \(topology[$0].name)" }
        if !up.isEmpty { text += " in " + up.joined(separator: ", ") }
        let kids = dom.children.filter { topology[$0].level > .machine }
        if let first = kids.first {
            let level = topology[first].level
            let plural = level == .city ? "cities" : level == .idc ? "IDCs" : "\(level)s"
            text += ": \(kids.count) " + (kids.count == 1 ? "\(level)" : plural)
        }
        return text
    }

    /// What a set is, how requests reach it and where they go when it is lost.
    func setTooltip(_ s: Int) -> String {
        let a = architecture
        let set = a.sets[s]
        let dom = topology[set.domain]
        var text = "set \(set.name): a copy of the logic layer pinned to \(dom.level) \(dom.name)"
        switch a.striping.routing {
        case .headerHash(let h): text += "; requests reach it by hash of header \(h)"
        case .cookie(let c): text += "; requests reach it by cookie \(c)"
        case nil: break
        }
        text += a.striping.failover == .nearest ? "; when it is lost its traffic moves to the nearest surviving set" : "; no failover to other sets"
        return text
    }

    /// The `<desc>`: what the view shows and how much of it.
    func summary(of scene: Scene, hasSetBoxes: Bool) -> String {
        let a = architecture
        func count(_ level: DomainLevel, _ one: String, _ many: String) -> String? {
            let n = displayed.filter { topology[$0].level == level }.count
            return n == 0 ? nil : "\(n) \(n == 1 ? one : many)"
        }
        let domains = [count(.region, "region", "regions"), count(.city, "city", "cities"), count(.idc, "IDC", "IDCs"), count(.rack, "rack", "racks")]
            .compactMap { $0 }.joined(separator: ", ")
        var summary = (builder.focusSet.map { "Set \(a.sets[$0].name) of \(a.name) in detail" } ?? "Topology of \(a.name)")
        if let d = a.description, !d.isEmpty { summary += " (\(d))" }
        summary += ". Columns: \(domains); rows: tiers (gateways, stateless services, stateful services, registry, stores)"
        if hasSetBoxes { summary += ", first what each set owns, then what the sets share" }
        summary += ". \(scene.nodes.count) boxes, each one component's instances in one column (×N), \(scene.edges.count) edges, "
        summary += "\(scene.findings.count) finding\(scene.findings.count == 1 ? "" : "s")."
        return summary
    }
}

/// `2000`, `0.5`.
func trimNumber(_ v: Double) -> String {
    let r = (v * 1000).rounded() / 1000
    return r == r.rounded() ? String(Int(r)) : String(r)
}

