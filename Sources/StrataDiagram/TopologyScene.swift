import StrataAnalysis
import StrataDiagnostics
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

    private var topology: Topology { architecture.topology }
    private var declared: Bool { architecture.striping.declared }

    func build() -> Scene {
        BuildState(builder: self).run()
    }

    /// Rows per tier band: `lines(m)` lines for a cell of at most `m` nodes, so that wide cells also grow downwards.
    static func lines(forLargestCell m: Int) -> Int {
        m <= 0 ? 0 : max(1, Int((Double(m) / 2).squareRoot().rounded(.up)))
    }

    fileprivate func tier(_ c: ComponentID) -> Int {
        switch c.kind {
        case .gateway: 0
        case .service: architecture.service(c.name)?.stateful == true ? 2 : 1
        case .registry: 3
        case .store: 4
        }
    }

    fileprivate func isStriped(_ c: ComponentID) -> Bool {
        declared && (architecture.placement(of: c)?.isStriped ?? false)
    }
}

/// The mutable work of one build (a class: its tables are shared, never copied, by the closures below).
private final class BuildState {
    let b: TopologySceneBuilder
    let architecture: Architecture
    let topology: Topology

    // Columns.
    var displayed: [DomainID] = []
    var leaves: [DomainID] = []
    var leafColumn: [DomainID: Int] = [:]
    var outsideColumn: Int { leaves.count }
    var setsInView: [Int] = []
    /// The domain the view shows (the root for the whole topology) and its ancestors, outermost first.
    var scope = DomainID(0)
    var chain: [DomainID] = []

    // Nodes.
    var groups: [TopologySceneBuilder.NodeKey: [Instance]] = [:]
    var serviceDepth: [String: Int] = [:]

    /// Every placed component in canonical order; node keys refer to them by index.
    let components: [ComponentID]
    let componentIndex: [ComponentID: Int]
    let striped: [Bool]
    let instancesOf: [[Instance]]

    init(builder: TopologySceneBuilder) {
        b = builder
        architecture = builder.architecture
        topology = builder.architecture.topology
        components = builder.architecture.components
        componentIndex = Dictionary(uniqueKeysWithValues: components.enumerated().map { ($1, $0) })
        striped = components.map(builder.isStriped)
        instancesOf = components.map { builder.architecture.instances[$0] ?? [] }
    }

    // MARK: Columns

    func collectColumns() {
        scope = b.focusSet.map { architecture.sets[$0].domain } ?? topology.root
        if scope != topology.root, topology[scope].level < b.leafLevel, let up = topology.ancestor(of: scope, at: b.leafLevel) { scope = up }
        chain = topology.ancestors(of: scope).reversed().filter { $0 != scope }
        displayed = chain
        walk(scope)
        for (i, leaf) in leaves.enumerated() { leafColumn[leaf] = i }
        setsInView = b.focusSet.map { [$0] } ?? (b.architecture.striping.declared ? Array(architecture.sets.indices) : [])
    }

    private func walk(_ d: DomainID) {
        if d != topology.root { displayed.append(d) }
        let kids = topology[d].children.filter { topology[$0].level >= b.leafLevel }
        if (topology[d].level == b.leafLevel || kids.isEmpty) && d != topology.root {
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
        if let focus = b.focusSet, striped, i.set != focus { return nil }
        if let col = column(of: i.machine) { return .group(ci, column: col, set: striped ? i.set : nil) }
        if b.focusSet != nil { return .group(ci, column: outsideColumn, set: nil) }
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
        if let focus = b.focusSet { return all.filter { $0.set == focus } }
        guard let set else { return all }
        return all.filter { $0.set == set }
    }

    private struct NearestKey: Hashable {
        let component: Int
        let machine: DomainID
        let set: Int
    }
    private var nearestCache: [NearestKey: Instance?] = [:]

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

    private var leaderCache: [Int: Instance?] = [:]

    /// Where a store's writes go for requests of `set`: the `leader` domain's voter, else the first.
    func leader(of store: Store, set: Int?) -> Instance? {
        guard let ci = componentIndex[ComponentID(.store, store.name)] else { return nil }
        return leader(of: store, index: ci, set: set)
    }

    func leader(of store: Store, index ci: Int, set: Int?) -> Instance? {
        let cacheKey = ci * 1_000_003 + (striped[ci] ? (b.focusSet ?? set ?? -1) + 1 : 0)
        if let cached = leaderCache[cacheKey] { return cached }
        let voters = candidates(index: ci, set: set)
        var result = voters.first
        if let l = store.leader, let v = voters.first(where: { topology.contains(l.value, $0.machine) }) { result = v }
        leaderCache[cacheKey] = result
        return result
    }

    // MARK: Build

    func run() -> Scene {
        collectColumns()
        collectInstances()
        serviceDepth = b.callGraph.serviceDepths()
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

    // MARK: Edges

    func addEdges(_ drafts: inout EdgeDrafts, clients: Bool, cdn: Bool) {
        let insideGroups = groups.filter { if case .group(_, let col, _) = $0.key { col != outsideColumn } else { false } }
            .map { (id: nodeID($0.key), key: $0.key, value: $0.value) }
            .sorted { $0.id < $1.id }
        let registry = ComponentID(.registry, "registry")
        let useRegistry = architecture.discovery?.mode == .registry && architecture.instances[registry]?.isEmpty == false
        if cdn { drafts.add(.call, from: .clients, to: .cdn, "clients fetch static content (\(architecture.access!.cdn.map(\.path).joined(separator: ", "))) from the CDN") }
        for (_, key, instances) in insideGroups {
            guard case .group(let ci, _, let set) = key, let first = instances.first else { continue }
            let c = components[ci]
            let here = describeGroup(key)
            switch c.kind {
            case .gateway:
                guard let g = architecture.gateway(c.name) else { continue }
                if clients {
                    let how = architecture.access?.regionalNearest == true ? "nearest region" : "entry"
                    drafts.add(.call, from: .clients, to: key, "clients reach gateway \(g.name) \(here) (\(how))")
                }
                for route in g.routes {
                    guard let t = nearest(ComponentID(.service, route.service), from: first.machine, set: set), let tk = self.key(of: t) else { continue }
                    var text = "gateway \(g.name) routes \(route.prefix) to \(route.service)"
                    if let ms = route.timeoutMilliseconds { text += " (timeout \(formatDuration(ms))" + (route.retries > 0 ? ", retries \(route.retries))" : ")") }
                    drafts.add(.call, from: key, to: tk, text)
                }
                if useRegistry, let r = nearest(registry, from: first.machine, set: set), let rk = self.key(of: r) {
                    drafts.add(.discovery, from: key, to: rk, "gateway \(g.name) \(here) finds service instances through the \(architecture.discovery!.engine.rawValue) registry")
                }
            case .service:
                guard let svc = architecture.service(c.name) else { continue }
                addServiceEdges(&drafts, svc, key: key, machine: first.machine, set: set)
                // A monolith calls in process: only its gateways look services up.
                if useRegistry, architecture.style != .monolith, svc.endpoints.contains(where: { hasCall($0.steps) }),
                   let r = nearest(registry, from: first.machine, set: set), let rk = self.key(of: r) {
                    drafts.add(.discovery, from: key, to: rk, "service \(svc.name) \(here) finds its callees through the \(architecture.discovery!.engine.rawValue) registry")
                }
            case .registry, .store:
                break
            }
        }
        // Replication: from each store's leader to every other replica group.
        for store in architecture.stores.sorted(by: { $0.name < $1.name }) {
            let c = ComponentID(.store, store.name)
            let voterSets: [Int?] = b.isStriped(c) ? (b.focusSet.map { [$0] } ?? architecture.sets.indices.map { $0 }) : [nil]
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

    private func hasCall(_ steps: [Step]) -> Bool {
        var found = false
        forEachStep(steps) { if case .call = $0 { found = true } }
        return found
    }

    /// What a service's endpoints call, read and write, with tooltip text; the same for every node of the service.
    private struct ServiceSteps {
        var calls: [(callee: Int, style: EdgeStyle, text: String)] = []
        var writes: [(store: Store, index: Int, text: String)] = []
        var reads: [(store: Store, index: Int, atLeader: Bool, text: String)] = []
    }
    private var stepsCache: [String: ServiceSteps] = [:]

    private func steps(of svc: Service) -> ServiceSteps {
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
    }

    // MARK: Naming

    private var idCache: [TopologySceneBuilder.NodeKey: String] = [:]

    func nodeID(_ k: TopologySceneBuilder.NodeKey) -> String {
        if let id = idCache[k] { return id }
        let id = makeNodeID(k)
        idCache[k] = id
        return id
    }

    private func makeNodeID(_ k: TopologySceneBuilder.NodeKey) -> String {
        switch k {
        case .clients: return "n.clients"
        case .cdn: return "n.cdn"
        case .group(let ci, let col, let set):
            let c = components[ci]
            var id = "n.\(c.kind.rawValue).\(c.name)"
            id += col == outsideColumn ? ".outside" : ".in.\(topology[leaves[col]].name)"
            if let set { id += ".set.\(architecture.sets[set].name)" }
            return id
        }
    }

    /// `in idc sh-a (set sh-a)`, `outside set sh-a`.
    func describeGroup(_ k: TopologySceneBuilder.NodeKey) -> String {
        switch k {
        case .clients: return "clients"
        case .cdn: return "CDN"
        case .group(let ci, let col, let set):
            let c = components[ci]
            let name = c.kind == .registry ? "registry" : "\(c.kind.rawValue) \(c.name)"
            if col == outsideColumn { return "\(name) outside set \(architecture.sets[b.focusSet!].name)" }
            let leaf = topology[leaves[col]]
            return "\(name) in \(leaf.level) \(leaf.name)" + (set.map { " (set \(architecture.sets[$0].name))" } ?? "")
        }
    }

    // MARK: Assembly

    func assemble(keys: [TopologySceneBuilder.NodeKey], drafts: EdgeDrafts) -> Scene {
        let a = architecture
        var scene = makeScene()
        let focusName = b.focusSet.map { a.sets[$0].name }

        // Rows and cells.
        struct Cell: Hashable { let row: Int; let column: Int; let set: Int? }
        var cells: [Cell: [TopologySceneBuilder.NodeKey]] = [:]
        var access: [TopologySceneBuilder.NodeKey] = []
        for k in keys {
            guard case .group(let ci, let col, let set) = k else { access.append(k); continue }
            let c = components[ci]
            let row = 1 + (set == nil ? TopologySceneBuilder.tiersPerBand : 0) + b.tier(c)
            cells[Cell(row: row, column: col, set: set), default: []].append(k)
        }
        for k in cells.keys {
            cells[k] = cells[k]!.map { (sortKey($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var linesPerRow = Array(repeating: 0, count: TopologySceneBuilder.rowCount)
        for (cell, members) in cells {
            linesPerRow[cell.row] = max(linesPerRow[cell.row], TopologySceneBuilder.lines(forLargestCell: members.count))
        }
        // Lines per row for the largest cell, in lines.
        func need(_ members: Int, row: Int) -> Int { (members + linesPerRow[row] - 1) / linesPerRow[row] }

        // Slots per column: set groups side by side in the set band, shared cells over the whole column.
        let columnCount = leaves.count + (keys.contains { if case .group(_, let col, _) = $0 { col == outsideColumn } else { false } } ? 1 : 0)
        var columnStart: [Int] = []
        var columnSlots: [Int] = []
        var groupRange: [Cell: ClosedRange<Int>] = [:]  // keyed by (row 0, column, set)
        var next = 0
        for col in 0..<columnCount {
            var setNeeds: [Int: Int] = [:]
            var shared = 0
            for (cell, members) in cells where cell.column == col {
                if let s = cell.set { setNeeds[s] = max(setNeeds[s] ?? 1, need(members.count, row: cell.row)) } else { shared = max(shared, need(members.count, row: cell.row)) }
            }
            let order = setNeeds.keys.sorted { setOrder($0) < setOrder($1) }
            let total = max(order.reduce(0) { $0 + setNeeds[$1]! }, shared, 1)
            columnStart.append(next)
            columnSlots.append(total)
            var at = next
            for (i, s) in order.enumerated() {
                let width = i == order.count - 1 ? next + total - at : setNeeds[s]!
                groupRange[Cell(row: 0, column: col, set: s)] = at...(at + width - 1)
                at += width
            }
            next += total
        }
        scene.slotCount = max(next, 1)

        // Lines: access row, then the tier rows that have nodes.
        var rowLines: [ClosedRange<Int>?] = Array(repeating: nil, count: TopologySceneBuilder.rowCount)
        var line = 0
        if !access.isEmpty {
            let n = (access.count + scene.slotCount - 1) / scene.slotCount
            rowLines[0] = 0...(n - 1)
            line = n
        }
        for row in 1..<TopologySceneBuilder.rowCount where linesPerRow[row] > 0 {
            rowLines[row] = line...(line + linesPerRow[row] - 1)
            line += linesPerRow[row]
            if row - 1 == TopologySceneBuilder.tiersPerBand - 1 || row - 1 == 2 * TopologySceneBuilder.tiersPerBand - 1 {
                scene.replicationGutters.insert(line)  // below a store row
            }
        }
        let firstDomainLine = rowLines[0].map { $0.upperBound + 1 } ?? 0
        if line == firstDomainLine { line += 1 }  // no components: one empty line so that the domains still show
        scene.lineCount = line
        let setLines = span(of: (1...TopologySceneBuilder.tiersPerBand).compactMap { rowLines[$0] })
        let sharedLines = span(of: ((TopologySceneBuilder.tiersPerBand + 1)..<TopologySceneBuilder.rowCount).compactMap { rowLines[$0] })
        let domainLines = firstDomainLine...(line - 1)

        // Nodes.
        var nodeIndex: [TopologySceneBuilder.NodeKey: Int] = [:]
        for (i, k) in access.enumerated() {
            var node = makeNode(k)
            node.slot = i % scene.slotCount
            node.line = rowLines[0]!.lowerBound + i / scene.slotCount
            nodeIndex[k] = scene.nodes.count
            scene.nodes.append(node)
        }
        for cell in cells.keys.sorted(by: { ($0.row, $0.column, setOrder($0.set ?? -1)) < ($1.row, $1.column, setOrder($1.set ?? -1)) }) {
            let members = cells[cell]!
            let range = cell.set.flatMap { groupRange[Cell(row: 0, column: cell.column, set: $0)] }
                ?? columnStart[cell.column]...(columnStart[cell.column] + columnSlots[cell.column] - 1)
            let lines = rowLines[cell.row]!
            // Row by row, so that callers (sorted first) sit above what they call.
            let perLine = max(1, (members.count + lines.count - 1) / lines.count)
            for (i, k) in members.enumerated() {
                var node = makeNode(k)
                node.slot = range.lowerBound + i % perLine
                node.line = lines.lowerBound + i / perLine
                nodeIndex[k] = scene.nodes.count
                scene.nodes.append(node)
            }
        }

        // Containers: the scope's ancestors enclose everything, then the tree below the scope.
        var domainContainers: [DomainID: [Int]] = [:]
        var setContainers: [Int: Int] = [:]
        func slotsOf(_ d: DomainID) -> ClosedRange<Int>? {
            let cols = leaves.indices.filter { topology.contains(d, leaves[$0]) }
            guard let f = cols.first, let l = cols.last else { return nil }
            return columnStart[f]...(columnStart[l] + columnSlots[l] - 1)
        }
        func add(_ c: SceneContainer) -> Int {
            scene.containers.append(c)
            return scene.containers.count - 1
        }
        let setDomains: [DomainID: Int] = Dictionary(setsInView.map { (a.sets[$0].domain, $0) }, uniquingKeysWith: { x, _ in x })
        let shown = Set(displayed)
        func setBox(_ s: Int, slots: ClosedRange<Int>, lines: ClosedRange<Int>, parent: Int?) -> Int {
            let c = add(SceneContainer(id: "c.set.\(a.sets[s].name)", kind: .set, label: "set \(a.sets[s].name)", tooltip: setTooltip(s),
                                       slots: slots, lines: lines, parent: parent))
            setContainers[s] = c
            return c
        }
        func visit(_ d: DomainID, setParent: Int?, sharedParent: Int?, fragmented: Bool) {
            guard let slots = slotsOf(d) else { return }
            let dom = topology[d]
            let label = "\(dom.level) \(dom.name)"
            let tip = domainTooltip(d)
            let kind = containerKind(dom.level)
            var childSet: Int?, childShared: Int?, childFragmented = fragmented
            if fragmented {
                // Strictly inside a set's domain: one box in the set's band, one in the shared band.
                if let setLines {
                    let f = add(SceneContainer(id: "c.\(dom.level).\(dom.name).in-set", kind: kind, label: label, tooltip: tip,
                                               slots: slots, lines: setLines, parent: setParent))
                    domainContainers[d, default: []].append(f)
                    childSet = f
                }
                if let sharedLines {
                    let f = add(SceneContainer(id: "c.\(dom.level).\(dom.name).shared", kind: kind, label: label, tooltip: tip,
                                               slots: slots, lines: sharedLines, parent: sharedParent))
                    domainContainers[d, default: []].append(f)
                    childShared = f
                }
            } else {
                let full = add(SceneContainer(id: "c.\(dom.level).\(dom.name)", kind: kind, label: label, tooltip: tip,
                                              slots: slots, lines: domainLines, parent: setParent))
                domainContainers[d] = [full]
                childSet = full
                childShared = full
                if let s = setDomains[d], let setLines {
                    childSet = setBox(s, slots: slots, lines: setLines, parent: full)
                    childFragmented = true
                }
            }
            if let col = leafColumn[d] {
                // Sets below the column's level: one box per set group inside the column.
                if !fragmented, let setLines {
                    for s in setsInView where setContainers[s] == nil && topology.contains(d, a.sets[s].domain) && a.sets[s].domain != d {
                        guard let range = groupRange[Cell(row: 0, column: col, set: s)] else { continue }
                        _ = setBox(s, slots: range, lines: setLines, parent: childSet)
                    }
                }
                return
            }
            for child in topology[d].children where shown.contains(child) {
                visit(child, setParent: childSet, sharedParent: childShared, fragmented: childFragmented)
            }
        }
        var outer: Int?
        for d in chain {
            let dom = topology[d]
            outer = add(SceneContainer(id: "c.\(dom.level).\(dom.name)", kind: containerKind(dom.level), label: "\(dom.level) \(dom.name)",
                                       tooltip: domainTooltip(d), slots: slotsOf(d) ?? 0...0,
                                       lines: domainLines, parent: outer))
            domainContainers[d] = [outer!]
        }
        if scope == topology.root {
            for r in topology[scope].children where shown.contains(r) { visit(r, setParent: nil, sharedParent: nil, fragmented: false) }
        } else {
            visit(scope, setParent: outer, sharedParent: outer, fragmented: false)
        }

        // The outside column (set view).
        if columnCount > leaves.count {
            let col = leaves.count
            let slots = columnStart[col]...(columnStart[col] + columnSlots[col] - 1)
            _ = add(SceneContainer(id: "c.outside", kind: .outside, label: "outside set \(focusName!)",
                                   tooltip: "Shared components set \(focusName!) depends on that run outside its domain",
                                   slots: slots, lines: sharedLines ?? domainLines, parent: nil))
        }

        // Edges.
        for draft in drafts.sorted(nodeID: nodeID) {
            guard let s = nodeIndex[draft.from], let t = nodeIndex[draft.to], s != t else { continue }
            scene.edges.append(SceneEdge(id: draft.id, style: draft.style,
                                         source: s, target: t, tooltip: draft.lines.joined(separator: "\n"), tag: nil))
        }

        // Findings: a component's badge goes on its first node, reading order, inside the view before outside.
        var byComponent: [ComponentID: (rank: (Int, Int, Int), node: Int)] = [:]
        for (k, i) in nodeIndex {
            guard case .group(let ci, let col, _) = k else { continue }
            let c = components[ci]
            let n = scene.nodes[i]
            let rank = (col == outsideColumn ? 1 : 0, n.line, n.slot)
            if let e = byComponent[c], e.rank <= rank { continue }
            byComponent[c] = (rank, i)
        }
        let clientsNode = nodeIndex[.clients]
        scene.attach(b.findings) { block in
            switch block {
            case .architecture: return .title
            case .access: return clientsNode.map(SceneOwner.node)
            case .discovery: return byComponent[ComponentID(.registry, "registry")].map { .node($0.node) }
            case .gateway(let name): return byComponent[ComponentID(.gateway, name)].map { .node($0.node) }
            case .service(let name): return byComponent[ComponentID(.service, name)].map { .node($0.node) }
            case .store(let name): return byComponent[ComponentID(.store, name)].map { .node($0.node) }
            case .sets, .endpoint: return nil
            }
        }
        scene.legendContainers = (setContainers.isEmpty ? [] : [.set]) + (columnCount > leaves.count ? [.outside] : [])
        func count(_ level: DomainLevel, _ one: String, _ many: String) -> String? {
            let n = displayed.filter { topology[$0].level == level }.count
            return n == 0 ? nil : "\(n) \(n == 1 ? one : many)"
        }
        let domains = [count(.region, "region", "regions"), count(.city, "city", "cities"), count(.idc, "IDC", "IDCs"), count(.rack, "rack", "racks")]
            .compactMap { $0 }.joined(separator: ", ")
        var summary = (b.focusSet.map { "Set \(a.sets[$0].name) of \(a.name) in detail" } ?? "Topology of \(a.name)")
        if let d = a.description, !d.isEmpty { summary += " (\(d))" }
        summary += ". Columns: \(domains); rows: tiers (gateways, stateless services, stateful services, registry, stores)"
        if !setContainers.isEmpty { summary += ", first what each set owns, then what the sets share" }
        summary += ". \(scene.nodes.count) boxes, each one component's instances in one column (×N), \(scene.edges.count) edges, "
        summary += "\(scene.findings.count) finding\(scene.findings.count == 1 ? "" : "s")."
        scene.summary = summary
        return scene
    }

    private func span(of ranges: [ClosedRange<Int>]) -> ClosedRange<Int>? {
        guard let f = ranges.first, let l = ranges.last else { return nil }
        return f.lowerBound...l.upperBound
    }

    private func setOrder(_ s: Int) -> Int {
        s < 0 ? -1 : (domainOrder[architecture.sets[s].domain] ?? Int.max) * 10_000 + s
    }

    private var domainOrder: [DomainID: Int] {
        var order: [DomainID: Int] = [:]
        var stack = [topology.root]
        var n = 0
        while let d = stack.popLast() {
            order[d] = n
            n += 1
            stack.append(contentsOf: topology[d].children.reversed())
        }
        return order
    }

    /// Order inside a cell: callers before callees (service call depth), then by name.
    private func sortKey(_ k: TopologySceneBuilder.NodeKey) -> (Int, String) {
        guard case .group(let ci, _, _) = k else { return (0, "") }
        let c = components[ci]
        return (c.kind == .service ? serviceDepth[c.name] ?? 0 : 0, c.name)
    }


    private func containerKind(_ level: DomainLevel) -> ContainerKind {
        switch level {
        case .region: .region
        case .city: .city
        case .idc: .idc
        case .rack: .rack
        case .machine, .global: .machine
        }
    }
}

// MARK: - Content

extension BuildState {
    func makeScene() -> Scene {
        let a = architecture
        let title = "\(a.name) — " + (b.focusSet.map { a.striping.declared ? "set \(a.sets[$0].name)" : "set \(a.sets[$0].name) (no sets declared: the whole system)" } ?? "topology")
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
        facts.append("columns: \(b.leafLevel == .rack ? "racks" : "IDCs")")
        var subtitles: [String] = []
        if let d = a.description, !d.isEmpty { subtitles.append(d) }
        subtitles.append(facts.joined(separator: " · "))
        return Scene(architecture: a.name, view: b.focusSet.map { .set(a.sets[$0].name) } ?? .topology, title: title, subtitles: subtitles, summary: "")
    }

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
            let n = instances.count
            let placement = a.placement(of: c).map { describePlacement($0, topology: topology) } ?? ""
            let whereText = describeWhere(k, instances)
            switch c.kind {
            case .gateway:
                let g = a.gateway(c.name)
                var facts = [g?.engine.rawValue ?? "envoy"]
                if let auth = g?.auth { facts.append("auth \(auth.value.rawValue)") }
                if let r = g?.rateLimitPerSecond { facts.append("rate limit \(trimNumber(r))/s per instance") }
                facts.append(placement)
                return SceneNode(id: nodeID(k), kind: .gateway, name: c.name, details: ["\(g?.engine.rawValue ?? "envoy") gateway" + replicaSuffix(n)],
                                 tooltip: "gateway \(c.name) (\(facts.joined(separator: ", "))): \(whereText)", replicas: n)
            case .service:
                let s = a.service(c.name)
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
            case .registry:
                let engine = a.discovery?.engine.rawValue ?? "registry"
                return SceneNode(id: nodeID(k), kind: .registry, name: "registry", details: [engine + replicaSuffix(n)],
                                 tooltip: "discovery registry (\(engine), \(placement)): \(whereText)", replicas: n)
            case .store:
                let s = a.store(c.name)
                let set: Int? = { if case .group(_, _, let set) = k { return set } else { return nil } }()
                let isLeader = s.flatMap { leader(of: $0, set: b.isStriped(c) ? (b.focusSet ?? set) : nil) }.map { l in instances.contains(l) } ?? false
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
        }
    }

    /// `3 instances in idc sh-a (set sh-a) on racks sh-a-r1, sh-a-r2`.
    private func describeWhere(_ k: TopologySceneBuilder.NodeKey, _ instances: [Instance]) -> String {
        guard case .group(_, let col, let set) = k else { return "" }
        let n = instances.count
        let count = "\(n) instance\(n == 1 ? "" : "s")"
        if col == outsideColumn {
            var places: [String] = []
            for i in instances {
                let d = topology.ancestor(of: i.machine, at: b.leafLevel) ?? i.machine
                let text = "\(topology[d].level) \(topology[d].name)"
                if !places.contains(text) { places.append(text) }
            }
            return "\(count) outside set \(architecture.sets[b.focusSet!].name), in \(places.joined(separator: ", "))"
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
}

/// `2000`, `0.5`.
func trimNumber(_ v: Double) -> String {
    let r = (v * 1000).rounded() / 1000
    return r == r.rounded() ? String(Int(r)) : String(r)
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
