import StrataDiagnostics
import StrataSyntax

/// What `discovery { ... }` has said so far.
struct DiscoveryReader: PlacementReader, AllowReader {
    let builder: ComponentBuilder
    var tracker: StatementTracker
    var mode: Located<DiscoveryMode>?
    var engine: Located<DiscoveryEngine>?
    var placement: Placement?
    var allows: [Allow] = []

    init(builder: ComponentBuilder) {
        self.builder = builder
        tracker = StatementTracker(sink: builder.sink)
    }
}

extension ComponentBuilder {
    // MARK: Discovery

    static let discoveryTable = StatementTable<DiscoveryReader>(.discovery, context: "`discovery`", [
        .single("mode", usage: "mode registry", summary: "`registry` (a central registry) or `mesh` (sidecar proxies); required") { r, c, _ in
            if let w = c.choice(["registry", "mesh"], what: "a discovery mode") { r.mode = Located(DiscoveryMode(rawValue: w.value)!, w.span) }
        },
        .single("engine", usage: "engine etcd", summary: "what runs it: `etcd` (the default) or `consul` for a registry, `envoy` for a mesh") { r, c, _ in
            if let w = c.choice(["etcd", "consul", "envoy"], what: "a discovery engine") { r.engine = Located(DiscoveryEngine(rawValue: w.value)!, w.span) }
        },
        .replicas(summary: "where the registry's voting members run (a mesh takes none)"),
        .allow,
    ])

    /// `discovery { ... }`; `info` is its entry in the architecture's table.
    func discovery(_ statement: Statement, _ info: StatementInfo) -> Discovery? {
        var head = ArgumentCursor(statement, sink: sink)
        head.finish(usage: info.usage)
        guard let block = sink.requireBlock(statement, example: info.example) else { return nil }
        var r = DiscoveryReader(builder: self)
        Self.discoveryTable.read(block.statements, into: &r)
        guard let mode = r.mode else {
            sink.emit(Catalogue.missingStatement, "`discovery` needs a `mode`", at: statement.headSpan, help: "add `mode registry` or `mode mesh`")
            return nil
        }
        switch mode.value {
        case .registry:
            if let engine = r.engine, engine.value == .envoy {
                sink.emit(Catalogue.conflictingStatements, "`engine envoy` is for `mode mesh`; a registry runs `etcd` or `consul`", at: engine.span,
                          secondary: [Label(mode.span, "mode given here")])
                return nil
            }
            guard let placement = r.placement else {
                if r.tracker.span(of: "placement") == nil {
                    sink.emit(Catalogue.missingStatement, "the registry has no placement", at: statement.headSpan,
                              help: "a registry is a component too: add `replicas 3 across idc`")
                }
                return nil
            }
            return Discovery(mode: .registry, engine: r.engine?.value ?? .etcd, placement: placement, span: statement.headSpan, allows: r.allows)
        case .mesh:
            if let engine = r.engine, engine.value != .envoy {
                sink.emit(Catalogue.conflictingStatements, "`mode mesh` uses `engine envoy` sidecars, not \(engine.value)", at: engine.span,
                          secondary: [Label(mode.span, "mode given here")])
                return nil
            }
            if let placement = r.placement {
                sink.emit(Catalogue.conflictingStatements, "mesh sidecars run beside every instance; `replicas` does not apply", at: placement.span,
                          secondary: [Label(mode.span, "mode given here")])
                return nil
            }
            return Discovery(mode: .mesh, engine: .envoy, placement: nil, span: statement.headSpan, allows: r.allows)
        }
    }
}
