import StrataDiagnostics
import StrataSyntax

/// Builds an ``Architecture`` from its `architecture NAME { ... }` statement.
struct ArchitectureBuilder {
    let sink: DiagnosticSink
    var topology = Topology(rootName: "")

    init(sink: DiagnosticSink) { self.sink = sink }

    static let accepted = ["description", "slo", "survive", "style", "topology", "sets", "access", "discovery",
                           "gateway", "service", "store", "allow"]

    mutating func build(_ statement: Statement) -> Architecture? {
        var head = ArgumentCursor(statement, sink: sink)
        let name = head.name("the architecture's name")
        head.finish(usage: "architecture NAME { ... }")
        guard let block = sink.requireBlock(statement, example: "architecture \(name?.value ?? "shop") { ... }") else { return nil }
        let archName = name?.value ?? "architecture"
        topology = Topology(rootName: archName)

        // The topology comes first: every placement and domain reference needs it.
        let topologyStatements = block.statements.filter { $0.keyword == "topology" }
        var topologyBuilder = TopologyBuilder(sink: sink, topology: topology)
        if let first = topologyStatements.first {
            for extra in topologyStatements.dropFirst() {
                sink.emit(Catalogue.duplicateStatement, "`topology` is given twice in this block", at: extra.headSpan,
                          secondary: [Label(first.headSpan, "first given here")], help: "describe every domain in one `topology` block")
            }
            topologyBuilder.build(first)
        } else {
            sink.emit(Catalogue.missingStatement, "architecture `\(archName)` has no `topology`", at: statement.headSpan,
                      help: "declare where it runs: `topology { region east { city shanghai { idc sh-a { racks 2 } } } }`")
        }
        topology = topologyBuilder.topology
        let topologyUsable = !topology[topology.root].children.isEmpty

        var tracker = StatementTracker(sink: sink)
        var description: String?
        var slo: Located<Double>?
        var survive: Located<DomainLevel>?
        var style = ArchitectureStyle.microservices
        var setsStatement: Statement?
        var accessStatement: Statement?
        var discoveryStatement: Statement?
        var gatewayStatements: [Statement] = []
        var serviceStatements: [Statement] = []
        var storeStatements: [Statement] = []
        var allows: [Allow] = []

        for s in block.statements {
            switch s.keyword {
            case "topology":
                continue
            case "description":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                description = c.string("a description in quotes", example: "description \"Online shop\"")?.value
                c.finish(usage: "description \"text\"")
            case "slo":
                tracker.single(s, usage: "slo 99.95%") { c in
                    slo = c.percentage("an availability target", example: "slo 99.95%")
                }
            case "survive":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                if let w = c.choice(DomainLevel.named.map(\.description), what: "a failure-domain level") {
                    survive = Located(DomainLevel(keyword: w.value)!, w.span)
                }
                c.finish(usage: "survive idc")
            case "style":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                if let w = c.choice(["microservices", "monolith"], what: "an architecture style") {
                    style = ArchitectureStyle(rawValue: w.value)!
                }
                c.finish(usage: "style microservices")
            case "sets":
                if tracker.first(s) { setsStatement = s }
            case "access":
                if tracker.first(s) { accessStatement = s }
            case "discovery":
                if tracker.first(s) { discoveryStatement = s }
            case "gateway": gatewayStatements.append(s)
            case "service": serviceStatements.append(s)
            case "store": storeStatements.append(s)
            case "allow":
                if let a = sink.allow(s) { allows.append(a) }
            default:
                sink.unknownStatement(s, in: "`architecture`", accepted: ArchitectureBuilder.accepted)
            }
        }

        // Machines of racks without `machines N` are created as instances are placed, so `survive machine` always holds.
        if let survive, survive.value != .machine, topologyUsable, topology.domains(at: survive.value).isEmpty {
            sink.emit(Catalogue.unsatisfiablePlacement, "`survive \(survive.value)` names a level the topology does not enumerate", at: survive.span,
                      help: "declare `machines N` in racks, or survive a larger domain")
        }

        let sets = SetsBuilder(sink: sink, topology: topology).build(setsStatement, usable: topologyUsable)
        let access = accessStatement.map { AccessBuilder(sink: sink).build($0) }

        let components = ComponentBuilder(sink: sink, topology: topology)
        let discovery = discoveryStatement.flatMap { components.discovery($0) }
        var gateways = gatewayStatements.compactMap { components.gateway($0) }
        var services = serviceStatements.compactMap { components.service($0) }
        var stores = storeStatements.compactMap { components.store($0) }

        ReferenceChecker(sink: sink).check(gateways: &gateways, services: &services, stores: &stores)

        guard topologyUsable, let name else { return nil }
        var placer = Placer(sink: sink, topology: topology, sets: sets.sets)
        let instances = placer.placeAll(discovery: discovery, gateways: gateways, services: services, stores: stores)

        var serviceIndex: [String: Int] = [:]
        for (i, s) in services.enumerated() where serviceIndex[s.name] == nil { serviceIndex[s.name] = i }
        var storeIndex: [String: Int] = [:]
        for (i, s) in stores.enumerated() where storeIndex[s.name] == nil { storeIndex[s.name] = i }

        return Architecture(
            name: name.value, span: statement.headSpan, description: description, slo: slo,
            survive: survive?.value ?? .machine, surviveSpan: survive?.span, style: style,
            topology: placer.topology, striping: sets, access: access, discovery: discovery,
            gateways: gateways, services: services, stores: stores, allows: allows, instances: instances,
            serviceIndex: serviceIndex, storeIndex: storeIndex)
    }
}
