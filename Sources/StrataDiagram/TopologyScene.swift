import StrataAnalysis
import StrataModel

/// Builds the `topology` and `set NAME` views.
///
/// Columns are the failure domains down to `leafLevel` (IDCs or racks) in
/// declaration order; every placed component becomes one node per column
/// (and per set), its instances there collapsed into `×N`. Rows are tiers in
/// two bands: what each set owns (`per set` placements), drawn inside the
/// set's box, then what the sets share. A set's box sits inside its domain;
/// when the set spans several columns, the columns' boxes repeat inside it.
struct TopologySceneBuilder {
    let architecture: Architecture
    /// Orders the services of a tier: callers above what they call.
    let callGraph: CallGraph
    let leafLevel: DomainLevel
    /// The set of a `set NAME` view; nil for the whole topology.
    let focusSet: Int?
    let findings: [PreparedFinding]

    /// What a node stands for.
    enum NodeKey: Hashable {
        case clients, cdn
        /// A component's instances (the component by its index in `Architecture.components`) in one column
        /// (`column` = index of the leaf, or the outside column) for one set (nil: shared). Integers hash fast.
        case group(Int, column: Int, set: Int?)
    }

    /// Rows: 0 access, then 1...5 the set band (gateway, stateless, stateful, registry, store), 6...10 the shared band.
    static let tiersPerBand = 5
    static let rowCount = 1 + 2 * tiersPerBand

    func build() -> Scene {
        TopologySceneBuild(builder: self).run()
    }

    /// Rows per tier band: `lines(m)` lines for a cell of at most `m` nodes, so that wide cells also grow downwards.
    static func lines(forLargestCell m: Int) -> Int {
        m <= 0 ? 0 : max(1, Int((Double(m) / 2).squareRoot().rounded(.up)))
    }

    /// The tier of a component within its band: gateway 0, stateless 1, stateful 2, registry 3, store 4.
    func tier(_ c: ComponentID) -> Int {
        switch c.kind {
        case .gateway: 0
        case .service: architecture.service(c.name)?.stateful == true ? 2 : 1
        case .registry: 3
        case .store: 4
        }
    }

    /// True when `c` is placed `per set` in a spec that declares sets.
    func isStriped(_ c: ComponentID) -> Bool {
        architecture.striping.declared && (architecture.placement(of: c)?.isStriped ?? false)
    }
}

/// The state of one build of a topology or set view (a class: its tables and caches are shared,
/// never copied). Phases: columns and instances here, edges (TopologyEdges.swift), the grid and
/// its nodes (TopologyGrid.swift), the containers (TopologyContainers.swift), the text of nodes
/// and tooltips (TopologyContent.swift).
final class TopologySceneBuild {
    let builder: TopologySceneBuilder
    let architecture: Architecture
    let topology: Topology

    // Columns.
    /// Every domain drawn as a box, in declaration order.
    var displayed: [DomainID] = []
    /// The domains drawn as columns.
    var leaves: [DomainID] = []
    var leafColumn: [DomainID: Int] = [:]
    /// The extra column of a set view for the shared components it depends on outside its domain.
    var outsideColumn: Int { leaves.count }
    var setsInView: [Int] = []
    /// The domain the view shows (the root for the whole topology).
    var scope = DomainID(0)
    /// The scope's ancestors, outermost first.
    var chain: [DomainID] = []

    // Nodes.
    var groups: [TopologySceneBuilder.NodeKey: [Instance]] = [:]
    var serviceDepth: [String: Int] = [:]

    /// Every placed component in canonical order; node keys refer to them by index.
    let components: [ComponentID]
    let componentIndex: [ComponentID: Int]
    let striped: [Bool]
    let instancesOf: [[Instance]]

    // Caches.
    private var nearestCache: [NearestKey: Instance?] = [:]
    private var leaderCache: [Int: Instance?] = [:]
    var stepsCache: [String: ServiceSteps] = [:]
    var idCache: [TopologySceneBuilder.NodeKey: String] = [:]
    /// Pre-order position of every domain (for ordering sets by their domain).
    private(set) lazy var domainOrder: [DomainID: Int] = {
        var order: [DomainID: Int] = [:]
        var stack = [topology.root]
        var n = 0
        while let d = stack.popLast() {
            order[d] = n
            n += 1
            stack.append(contentsOf: topology[d].children.reversed())
        }
        return order
    }()

    init(builder: TopologySceneBuilder) {
        self.builder = builder
        architecture = builder.architecture
        topology = builder.architecture.topology
        components = builder.architecture.components
        componentIndex = Dictionary(uniqueKeysWithValues: components.enumerated().map { ($1, $0) })
        striped = components.map(builder.isStriped)
        instancesOf = components.map { builder.architecture.instances[$0] ?? [] }
    }

    func run() -> Scene {
        collectColumns()
        collectInstances()
        serviceDepth = builder.callGraph.serviceDepths()
        var drafts = EdgeDrafts()
        let hasGatewayNodes = groups.keys.contains { if case .group(let c, let col, _) = $0 { components[c].kind == .gateway && col != outsideColumn } else { false } }
        let hasClients = hasGatewayNodes
        let hasCDN = hasClients && !(architecture.access?.cdn.isEmpty ?? true)
        addEdges(&drafts, clients: hasClients, cdn: hasCDN)

        // Materialise nodes: every inside group, outside groups only when an edge reaches them.
        var keys: [TopologySceneBuilder.NodeKey] = []
        if hasClients { keys.append(.clients) }
        if hasCDN { keys.append(.cdn) }
        let referenced = drafts.referencedKeys
        for k in groups.keys {
            if case .group(_, let col, _) = k, col == outsideColumn, !referenced.contains(k) { continue }
            keys.append(k)
        }
        return assemble(keys: keys, drafts: drafts)
    }

    // MARK: Columns

    func collectColumns() {
        scope = builder.focusSet.map { architecture.sets[$0].domain } ?? topology.root
        if scope != topology.root, topology[scope].level < builder.leafLevel, let up = topology.ancestor(of: scope, at: builder.leafLevel) { scope = up }
        chain = topology.ancestors(of: scope).reversed().filter { $0 != scope }
        displayed = chain
        walk(scope)
        for (i, leaf) in leaves.enumerated() { leafColumn[leaf] = i }
        setsInView = builder.focusSet.map { [$0] } ?? (architecture.striping.declared ? Array(architecture.sets.indices) : [])
    }

    private func walk(_ d: DomainID) {
        if d != topology.root { displayed.append(d) }
        let kids = topology[d].children.filter { topology[$0].level >= builder.leafLevel }
        if (topology[d].level == builder.leafLevel || kids.isEmpty) && d != topology.root {
            leaves.append(d)
            return
        }
        for k in kids { walk(k) }
    }

    /// The column holding a machine, nil when it lies outside the drawn domains.
    func column(of machine: DomainID) -> Int? {
        var current: DomainID? = machine
        while let c = current, c != topology.root {
            if let col = leafColumn[c] { return col }
            current = topology[c].parent
        }
        return nil
    }

    // MARK: Instances

    /// The node an instance belongs to; nil when the view leaves it out.
    func key(of i: Instance) -> TopologySceneBuilder.NodeKey? {
        guard let ci = componentIndex[i.component] else { return nil }
        let striped = self.striped[ci]
        if let focus = builder.focusSet, striped, i.set != focus { return nil }
        if let col = column(of: i.machine) { return .group(ci, column: col, set: striped ? i.set : nil) }
        if builder.focusSet != nil { return .group(ci, column: outsideColumn, set: nil) }
        return nil
    }

    func collectInstances() {
        for c in components {
            for i in architecture.instances[c] ?? [] {
                if let k = key(of: i) { groups[k, default: []].append(i) }
            }
        }
    }

    /// Instances of `c` a caller of set `set` may reach (its own set's when `c` is striped).
    func candidates(_ c: ComponentID, set: Int?) -> [Instance] {
        componentIndex[c].map { candidates(index: $0, set: set) } ?? []
    }

    func candidates(index ci: Int, set: Int?) -> [Instance] {
        let all = instancesOf[ci]
        guard striped[ci] else { return all }
        if let focus = builder.focusSet { return all.filter { $0.set == focus } }
        guard let set else { return all }
        return all.filter { $0.set == set }
    }

    private struct NearestKey: Hashable {
        let component: Int
        let machine: DomainID
        let set: Int
    }

    /// The instance nearest (by RTT) to `machine`, ties broken by placement order.
    func nearest(_ c: ComponentID, from machine: DomainID, set: Int?) -> Instance? {
        componentIndex[c].flatMap { nearest(index: $0, from: machine, set: set) }
    }

    func nearest(index ci: Int, from machine: DomainID, set: Int?) -> Instance? {
        let key = NearestKey(component: ci, machine: machine, set: striped[ci] ? (set ?? -1) : -1)
        if let cached = nearestCache[key] { return cached }
        var best: (Instance, Double)?
        for i in candidates(index: ci, set: set) {
            let d = topology.rtt(machine, i.machine)
            if best == nil || d < best!.1 { best = (i, d) }
        }
        nearestCache[key] = best?.0
        return best?.0
    }

    /// Where a store's writes go for requests of `set`: the `leader` domain's voter, else the first.
    func leader(of store: Store, set: Int?) -> Instance? {
        guard let ci = componentIndex[ComponentID(.store, store.name)] else { return nil }
        return leader(of: store, index: ci, set: set)
    }

    func leader(of store: Store, index ci: Int, set: Int?) -> Instance? {
        let cacheKey = ci * 1_000_003 + (striped[ci] ? (builder.focusSet ?? set ?? -1) + 1 : 0)
        if let cached = leaderCache[cacheKey] { return cached }
        let voters = candidates(index: ci, set: set)
        var result = voters.first
        if let l = store.leader, let v = voters.first(where: { topology.contains(l.value, $0.machine) }) { result = v }
        leaderCache[cacheKey] = result
        return result
    }

    // MARK: Order

    /// Sets in the order of their domains (pre-order), then declaration; -1 (shared) first.
    func setOrder(_ s: Int) -> Int {
        s < 0 ? -1 : (domainOrder[architecture.sets[s].domain] ?? Int.max) * 10_000 + s
    }

    /// Order inside a cell: callers before callees (service call depth), then by name.
    func sortKey(_ k: TopologySceneBuilder.NodeKey) -> (Int, String) {
        guard case .group(let ci, _, _) = k else { return (0, "") }
        let c = components[ci]
        return (c.kind == .service ? serviceDepth[c.name] ?? 0 : 0, c.name)
    }
}
