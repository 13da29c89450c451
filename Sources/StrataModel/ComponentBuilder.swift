import StrataDiagnostics
import StrataSyntax

/// Builds gateways, discovery, services (with endpoints) and stores, one file per kind
/// (GatewayBuilder, DiscoveryBuilder, ServiceBuilder, EndpointBuilder, StoreBuilder); this file holds
/// what they share: placements, the block header and path checks.
struct ComponentBuilder {
    let sink: DiagnosticSink
    let topology: Topology

    /// Most instances one placement statement may ask for.
    static let maxReplicas = 10_000

    // MARK: Placement

    /// Parses the tail of a placement after its count: `per set`, `across LEVEL [in DOMAIN]` or `in DOMAIN`.
    func placementMode(_ c: inout ArgumentCursor, keyword: String) -> Placement.Mode? {
        let example = "\(keyword) 3 per set"
        if c.accept("per") != nil {
            guard c.choice(["set"], what: "`set` after `per`") != nil else { return nil }
            return .perSet
        }
        if c.accept("across") != nil {
            guard let levelWord = c.choice(DomainLevel.named.map(\.description), what: "the level to spread across") else { return nil }
            let level = DomainLevel(keyword: levelWord.value)!
            var within: DomainID?
            if c.accept("in") != nil {
                guard let scope = domainReference(&c, what: "the domain to stay inside") else { return nil }
                if topology[scope.value].level <= level {
                    sink.emit(Catalogue.unsatisfiablePlacement,
                              "`across \(level) in \(topology[scope.value].name)`: a \(topology[scope.value].level) contains no \(level) level to spread across",
                              at: levelWord.span.merged(with: scope.span))
                    return nil
                }
                within = scope.value
            }
            if level == .machine {
                let racks = topology.domains(at: .rack, within: within)
                if let rack = racks.first(where: { topology[$0].machineCount == nil }) {
                    sink.emit(Catalogue.unsatisfiablePlacement, "`across machine` needs every rack in scope to declare `machines N`", at: levelWord.span,
                              notes: ["rack `\(topology[rack].name)` declares no machine count"])
                    return nil
                }
            }
            if topology.domains(at: level, within: within).isEmpty, !topology[topology.root].children.isEmpty {
                sink.emit(Catalogue.unsatisfiablePlacement, "there is no \(level) to spread across", at: levelWord.span)
                return nil
            }
            return .across(level, within: within)
        }
        if c.accept("in") != nil {
            guard let scope = domainReference(&c, what: "the domain to place the instances in") else { return nil }
            return .inside(scope.value)
        }
        c.wrong("`per set`, `across LEVEL` or `in DOMAIN`", example: example)
        return nil
    }

    /// A reference to a named failure domain.
    func domainReference(_ c: inout ArgumentCursor, what: String) -> Located<DomainID>? {
        guard let name = c.word(what, example: "in sh-a") else { return nil }
        guard let id = topology.domain(named: name.value) else {
            if !topology[topology.root].children.isEmpty {
                sink.emit(Catalogue.unknownReference, "no failure domain is named `\(name.value)`", at: name.span,
                          help: sink.closest(name.value, in: topology.domains.dropFirst().map(\.name)).map { "did you mean `\($0)`?" })
            }
            return nil
        }
        return Located(id, name.span)
    }

    /// `replicas N per set | across LEVEL [in DOMAIN] | in DOMAIN`.
    func replicas(_ s: Statement, _ info: StatementInfo) -> Placement? {
        sink.noBlock(s)
        var c = ArgumentCursor(s, sink: sink)
        guard let n = c.integer("the number of replicas", in: 1...ComponentBuilder.maxReplicas, example: info.example) else { return nil }
        guard let mode = placementMode(&c, keyword: "replicas") else { return nil }
        c.finish(usage: info.usage)
        return Placement(count: n.value, mode: mode, span: s.headSpan)
    }

    /// `scale MIN..MAX per set [cpu P%]` (or across/in): returns the autoscale range and the placement of MIN instances.
    func scale(_ s: Statement, _ info: StatementInfo) -> (Autoscale, Placement)? {
        sink.noBlock(s)
        var c = ArgumentCursor(s, sink: sink)
        guard let range = c.range("the autoscaling range", in: 1...ComponentBuilder.maxReplicas, example: info.example) else { return nil }
        // The example after a wrong placement word reads `scale 3..12 3 per set`; kept as is, since messages must not change here.
        guard let mode = placementMode(&c, keyword: "scale 3..12") else { return nil }
        var cpu = 0.7
        if c.accept("cpu") != nil {
            guard let p = c.percentage("a CPU utilisation target", example: "cpu 70%") else { return nil }
            cpu = p.value
        }
        c.finish(usage: info.usage)
        return (Autoscale(min: range.value.lowerBound, max: range.value.upperBound, cpuPercent: cpu, span: s.headSpan),
                Placement(count: range.value.lowerBound, mode: mode, span: s.headSpan))
    }

    /// Reads the component's name from `KEYWORD NAME { ... }`; `info` is the statement's entry in the architecture's table.
    func header(_ s: Statement, _ info: StatementInfo) -> (Located<String>, Block)? {
        let kind = info.keyword
        var c = ArgumentCursor(s, sink: sink)
        guard let name = c.name("the \(kind)'s name") else { return nil }
        c.finish(usage: info.usage)
        guard let block = sink.requireBlock(s, example: "\(kind) \(name.value) { replicas 2 per set }") else { return nil }
        return (name, block)
    }

    func missingPlacement(_ name: Located<String>, kind: String, scale: Bool = false) {
        sink.emit(Catalogue.missingStatement, "\(kind) `\(name.value)` has no placement", at: name.span,
                  help: "add `replicas 2 per set`, `replicas 3 across idc` or `replicas 2 in DOMAIN`" + (scale ? ", or `scale 2..10 per set`" : ""))
    }

    /// Why a path is not acceptable, or nil (``ValueSyntax/pathProblem(_:)``).
    func pathProblem(_ path: String) -> String? { ValueSyntax.pathProblem(path) }
}

/// A reader of a component's block (gateway, discovery, service, endpoint, store).
protocol ComponentReader: StatementReader {
    var builder: ComponentBuilder { get }
}

extension ComponentReader {
    var sink: DiagnosticSink { builder.sink }
}

/// A reader of a placed component's block: `replicas` (and for services `scale`) set its placement.
protocol PlacementReader: ComponentReader, TrackingReader {
    var placement: Placement? { get set }
}

extension StatementEntry where Reader: PlacementReader {
    /// `replicas N per set | across LEVEL [in DOMAIN] | in DOMAIN`, once per block (shared with `scale`).
    static func replicas(summary: String) -> StatementEntry {
        StatementEntry("replicas", usage: "replicas N per set | replicas N across LEVEL [in DOMAIN] | replicas N in DOMAIN",
                       example: "replicas 3 per set", summary: summary) { r, s, info in
            guard r.tracker.first(s, key: "placement") else { return }
            r.placement = r.builder.replicas(s, info)
        }
    }
}
