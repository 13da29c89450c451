import StrataDiagnostics
import StrataSyntax

/// What `gateway NAME { ... }` has said so far.
struct GatewayReader: PlacementReader, AllowReader {
    let builder: ComponentBuilder
    let name: Located<String>
    var tracker: StatementTracker
    var engine = GatewayEngine.envoy
    var placement: Placement?
    var auth: Located<AuthMode>?
    var rateLimit: Double?
    var routes: [GatewayRoute] = []
    var allows: [Allow] = []

    init(builder: ComponentBuilder, name: Located<String>) {
        self.builder = builder
        self.name = name
        tracker = StatementTracker(sink: builder.sink)
    }

    /// Adds a route unless its prefix is taken.
    mutating func add(_ route: GatewayRoute) {
        if let dup = routes.first(where: { $0.prefix == route.prefix }) {
            sink.emit(Catalogue.duplicateName, "route prefix \"\(route.prefix)\" is declared twice in gateway `\(name.value)`", at: route.span,
                      secondary: [Label(dup.span, "first declared here")])
        } else {
            routes.append(route)
        }
    }
}

extension ComponentBuilder {
    // MARK: Gateway

    static let gatewayTable = StatementTable<GatewayReader>(.gateway, context: "a gateway", [
        .single("engine", usage: "engine envoy", summary: "the proxy that runs the gateway: `envoy` (the default) or `nginx`") { r, c, _ in
            if let w = c.choice(["envoy", "nginx"], what: "a gateway engine") { r.engine = GatewayEngine(rawValue: w.value)! }
        },
        .replicas(summary: "where the gateway's instances run"),
        .single("auth", usage: "auth jwt", summary: "how requests are authenticated: `jwt`, `api-key` or `none`") { r, c, _ in
            if let w = c.choice(["jwt", "api-key", "none"], what: "an authentication mode") { r.auth = Located(AuthMode(rawValue: w.value)!, w.span) }
        },
        .single("rate-limit", usage: "rate-limit 2000/s", summary: "the request rate each gateway instance allows") { r, c, info in
            r.rateLimit = c.rate("a rate limit", example: info.example)?.value
        },
        StatementEntry("route", usage: "route \"PREFIX\" -> SERVICE { timeout D retries N }", example: "route \"/api/orders\" -> orders { timeout 900ms retries 2 }",
                       summary: "makes every endpoint of SERVICE whose path starts with PREFIX public through this gateway") { r, s, _ in
            if let route = r.builder.route(s) { r.add(route) }
        },
        .allow,
    ])

    func gateway(_ statement: Statement, _ info: StatementInfo) -> Gateway? {
        guard let (name, block) = header(statement, info) else { return nil }
        var r = GatewayReader(builder: self, name: name)
        Self.gatewayTable.read(block.statements, into: &r)
        guard let placement = r.placement else {
            if r.tracker.span(of: "placement") == nil { missingPlacement(name, kind: "gateway") }
            return nil
        }
        return Gateway(name: name.value, span: name.span, engine: r.engine, placement: placement, auth: r.auth,
                       rateLimitPerSecond: r.rateLimit, routes: r.routes, allows: r.allows)
    }

    /// `route "PREFIX" -> SERVICE { timeout D retries N }`.
    private func route(_ s: Statement) -> GatewayRoute? {
        var c = ArgumentCursor(OptionList.flatten(s, sink: sink), sink: sink)
        guard let prefix = c.string("a path prefix", example: "route \"/api/orders\" -> orders") else { return nil }
        guard let arrow = c.peek, case .arrow = arrow.kind else { c.wrong("`->` and a service", example: "route \"\(prefix.value)\" -> orders"); return nil }
        c.advance()
        guard let service = c.word("the service to route to", example: "route \"\(prefix.value)\" -> orders") else { return nil }
        if let problem = pathProblem(prefix.value) {
            sink.emit(Catalogue.invalidArgument, "route prefix \"\(prefix.value)\" \(problem)", at: prefix.span)
            return nil
        }
        var timeout: Double?
        var retries = 0
        var seen: Set<String> = []
        while !c.isAtEnd, !c.failed {
            guard let key = c.choice(["timeout", "retries"], what: "a route option") else { return nil }
            if !seen.insert(key.value).inserted {
                sink.emit(Catalogue.duplicateStatement, "`\(key.value)` is given twice for this route", at: key.span)
            }
            if key.value == "timeout" {
                timeout = c.duration("a timeout", example: "timeout 900ms")?.value
            } else {
                retries = c.integer("the number of retries", in: 0...10, example: "retries 2")?.value ?? 0
            }
        }
        if c.failed { return nil }
        return GatewayRoute(prefix: prefix.value, service: service.value, serviceSpan: service.span,
                            timeoutMilliseconds: timeout, retries: retries, span: s.headSpan)
    }
}
