import StrataDiagnostics
import StrataSyntax

/// A statement read now but built later, with its entry in the architecture's table.
typealias DeferredStatement = (statement: Statement, info: StatementInfo)

/// What `architecture NAME { ... }` has said so far. Blocks that need the topology, or
/// whose diagnostics come in a fixed order after it, are kept to be built later.
struct ArchitectureReader: TrackingReader, AllowReader {
    let sink: DiagnosticSink
    var tracker: StatementTracker
    var description: String?
    var slo: Located<Double>?
    var survive: Located<DomainLevel>?
    var style = ArchitectureStyle.microservices
    var sets: DeferredStatement?
    var access: DeferredStatement?
    var discovery: DeferredStatement?
    var gateways: [DeferredStatement] = []
    var services: [DeferredStatement] = []
    var stores: [DeferredStatement] = []
    var allows: [Allow] = []

    init(sink: DiagnosticSink) {
        self.sink = sink
        tracker = StatementTracker(sink: sink)
    }
}

/// Builds an ``Architecture`` from its `architecture NAME { ... }` statement.
struct ArchitectureBuilder {
    let sink: DiagnosticSink
    var topology = Topology(rootName: "")

    init(sink: DiagnosticSink) { self.sink = sink }

    static let table = StatementTable<ArchitectureReader>(.architecture, context: "`architecture`", [
        .single("description", usage: "description \"text\"", example: "description \"Online shop\"",
                summary: "free text, shown in diagrams and reports") { r, c, info in
            r.description = c.string("a description in quotes", example: info.example)?.value
        },
        .single("slo", usage: "slo 99.95%", summary: "the availability target of every public endpoint; an endpoint's own `slo` overrides it") { r, c, info in
            r.slo = c.percentage("an availability target", example: info.example)
        },
        .single("survive", usage: "survive idc",
                summary: "the largest failure domain whose loss the system must survive: `machine` (default), `rack`, `idc`, `city` or `region`") { r, c, _ in
            if let w = c.choice(DomainLevel.named.map(\.description), what: "a failure-domain level") {
                r.survive = Located(DomainLevel(keyword: w.value)!, w.span)
            }
        },
        .single("style", usage: "style microservices", summary: "`microservices` (default: one process per service) or `monolith` (one process, in-process calls)") { r, c, _ in
            if let w = c.choice(["microservices", "monolith"], what: "an architecture style") {
                r.style = ArchitectureStyle(rawValue: w.value)!
            }
        },
        // Read before every other statement (placements and domain references need it), so nothing is left to do here.
        StatementEntry("topology", usage: "topology { region NAME { ... } }", example: "topology { region east { city shanghai { idc sh-a { racks 2 } } } }",
                       summary: "the failure domains (region > city > idc > rack > machine), their latency and availability; required",
                       opens: .topology) { _, _, _ in },
        StatementEntry("sets", usage: "sets { stripe idc }", summary: "how the logic layer is striped into sets (default: one set `main`)", opens: .sets) { r, s, info in
            if r.tracker.first(s) { r.sets = (s, info) }
        },
        StatementEntry("access", usage: "access { regional nearest }", summary: "the access layer in front of the gateways", opens: .access) { r, s, info in
            if r.tracker.first(s) { r.access = (s, info) }
        },
        StatementEntry("discovery", usage: "discovery { mode registry }", example: "discovery { mode registry; engine etcd; replicas 3 across idc }",
                       summary: "how services find each other: a registry or a mesh", opens: .discovery) { r, s, info in
            if r.tracker.first(s) { r.discovery = (s, info) }
        },
        StatementEntry("gateway", usage: "gateway NAME { ... }", example: "gateway edge { replicas 2 per set }",
                       summary: "a business gateway: routing, authentication, rate limiting", opens: .gateway) { r, s, info in
            r.gateways.append((s, info))
        },
        StatementEntry("service", usage: "service NAME { ... }", example: "service search { replicas 2 per set }",
                       summary: "a service and its endpoints", opens: .service) { r, s, info in
            r.services.append((s, info))
        },
        StatementEntry("store", usage: "store NAME { ... }", example: "store search-db { replicas 3 across idc }",
                       summary: "a data store: engine, consistency, replication, quorums, shards", opens: .store) { r, s, info in
            r.stores.append((s, info))
        },
        .include,
        .allow,
    ])

    mutating func build(_ statement: Statement) -> Architecture? {
        var head = ArgumentCursor(statement, sink: sink)
        let name = head.name("the architecture's name")
        head.finish(usage: Resolver.table.info("architecture").usage)
        guard let block = sink.requireBlock(statement, example: "architecture \(name?.value ?? "shop") { ... }") else { return nil }
        let archName = name?.value ?? "architecture"
        topology = Topology(rootName: archName)

        // The topology comes first: every placement and domain reference needs it.
        let topologyStatements = block.statements.filter { $0.keyword == "topology" }
        let topologyBuilder = TopologyBuilder(sink: sink, topology: topology)
        if let first = topologyStatements.first {
            for extra in topologyStatements.dropFirst() {
                sink.emit(Catalogue.duplicateStatement, "`topology` is given twice in this block", at: extra.headSpan,
                          secondary: [Label(first.headSpan, "first given here")], help: "describe every domain in one `topology` block")
            }
            topologyBuilder.build(first, Self.table.info("topology"))
        } else {
            sink.emit(Catalogue.missingStatement, "architecture `\(archName)` has no `topology`", at: statement.headSpan,
                      help: "declare where it runs: `topology { region east { city shanghai { idc sh-a { racks 2 } } } }`")
        }
        topology = topologyBuilder.topology
        let topologyUsable = !topology[topology.root].children.isEmpty

        var r = ArchitectureReader(sink: sink)
        Self.table.read(block.statements, into: &r)

        // Machines of racks without `machines N` are created as instances are placed, so `survive machine` always holds.
        if let survive = r.survive, survive.value != .machine, topologyUsable, topology.domains(at: survive.value).isEmpty {
            sink.emit(Catalogue.unsatisfiablePlacement, "`survive \(survive.value)` names a level the topology does not enumerate", at: survive.span,
                      help: "declare `machines N` in racks, or survive a larger domain")
        }

        let sets = SetsBuilder(sink: sink, topology: topology).build(r.sets, usable: topologyUsable)
        let access = r.access.map { AccessBuilder(sink: sink).build($0.statement, $0.info) }

        let components = ComponentBuilder(sink: sink, topology: topology)
        let discovery = r.discovery.flatMap { components.discovery($0.statement, $0.info) }
        var gateways = r.gateways.compactMap { components.gateway($0.statement, $0.info) }
        var services = r.services.compactMap { components.service($0.statement, $0.info) }
        var stores = r.stores.compactMap { components.store($0.statement, $0.info) }

        ReferenceChecker(sink: sink).check(gateways: &gateways, services: &services, stores: &stores)

        guard topologyUsable, let name else { return nil }
        var placer = Placer(sink: sink, topology: topology, sets: sets.sets)
        let instances = placer.placeAll(discovery: discovery, gateways: gateways, services: services, stores: stores)

        var serviceIndex: [String: Int] = [:]
        for (i, s) in services.enumerated() where serviceIndex[s.name] == nil { serviceIndex[s.name] = i }
        var storeIndex: [String: Int] = [:]
        for (i, s) in stores.enumerated() where storeIndex[s.name] == nil { storeIndex[s.name] = i }

        return Architecture(
            name: name.value, span: statement.headSpan, description: r.description, slo: r.slo,
            survive: r.survive?.value ?? .machine, surviveSpan: r.survive?.span, style: r.style,
            topology: placer.topology, striping: sets, access: access, discovery: discovery,
            gateways: gateways, services: services, stores: stores, allows: r.allows, instances: instances,
            serviceIndex: serviceIndex, storeIndex: storeIndex)
    }
}
