import StrataDiagnostics
import StrataSyntax

/// What `service NAME { ... }` has said so far.
struct ServiceReader: PlacementReader, AllowReader {
    let builder: ComponentBuilder
    let name: Located<String>
    var tracker: StatementTracker
    var stateful: Located<Bool>?
    var key: Located<String>?
    var cap: Located<CAPClaim>?
    var placement: Placement?
    var autoscale: Autoscale?
    var capacity: Located<Double>?
    var load: Located<Double>?
    var endpoints: [Endpoint] = []
    var allows: [Allow] = []

    init(builder: ComponentBuilder, name: Located<String>) {
        self.builder = builder
        self.name = name
        tracker = StatementTracker(sink: builder.sink)
    }

    /// Adds an endpoint unless its name, or its method and path, are taken.
    mutating func add(_ e: Endpoint) {
        if let dup = endpoints.first(where: { $0.name == e.name }) {
            sink.emit(Catalogue.duplicateName, "endpoint `\(e.name)` is declared twice in service `\(name.value)`", at: e.span,
                      secondary: [Label(dup.span, "first declared here")])
        } else if let dup = endpoints.first(where: { $0.method == e.method && $0.path == e.path }) {
            sink.emit(Catalogue.duplicateName, "`\(e.method.rawValue) \(e.path)` is served twice in service `\(name.value)`", at: e.span,
                      secondary: [Label(dup.span, "also served by `\(dup.name)`")])
        } else {
            endpoints.append(e)
        }
    }
}

extension ComponentBuilder {
    // MARK: Service

    static let serviceTable = StatementTable<ServiceReader>(.service, context: "a service", [
        .single("stateful", key: "statefulness", usage: "stateful", summary: "instances keep state; with `key`, requests with the same key reach the same instance") { r, c, info in
            r.stateful = Located(info.keyword == "stateful", c.statement.keywordSpan)
        },
        .single("stateless", key: "statefulness", usage: "stateless", summary: "instances keep no state (the default)") { r, c, info in
            r.stateful = Located(info.keyword == "stateful", c.statement.keywordSpan)
        },
        .single("key", usage: "key \"x-user-id\"", summary: "stateful only: requests with the same value of this header reach the same instance") { r, c, info in
            r.key = c.string("the request header that partitions state", example: info.example)
            if let key = r.key, let problem = ValueSyntax.headerNameProblem(key.value) {
                c.sink.emit(Catalogue.invalidArgument, "the key \"\(key.value)\" is not a header name: it \(problem)", at: key.span,
                            help: "the key names the request header whose value picks the instance, e.g. `key \"x-user-id\"`")
                r.key = nil
            }
        },
        .single("cap", usage: "cap ap", summary: "a claim about partitions: `ap` keeps answering, `cp` refuses instead; checked against the stores it depends on") { r, c, _ in
            if let w = c.choice(["ap", "cp"], what: "a CAP claim") { r.cap = Located(CAPClaim(rawValue: w.value)!, w.span) }
        },
        .replicas(summary: "a fixed number of instances, and where they run"),
        StatementEntry("scale", usage: "scale MIN..MAX per set [cpu 70%]", example: "scale 3..12 per set",
                       summary: "autoscaling between MIN and MAX instances at a CPU target (default 70%); MIN are placed; replaces `replicas`") { r, s, info in
            guard r.tracker.first(s, key: "placement") else { return }
            if let (a, p) = r.builder.scale(s, info) { r.autoscale = a; r.placement = p }
        },
        .single("capacity", usage: "capacity 800/s", summary: "what one instance can serve") { r, c, info in
            r.capacity = c.rate("the requests one instance can serve", example: info.example)
        },
        .single("load", usage: "load 5000/s", summary: "the peak load over all sets; with `capacity` it feeds the `failover-capacity` rule") { r, c, info in
            r.load = c.rate("the peak load over all sets", example: info.example)
        },
        StatementEntry("endpoint", usage: "endpoint NAME METHOD \"/path\" { ... }", example: "endpoint get GET \"/api/users/{id}\" { budget 50ms }",
                       summary: "an endpoint of the service: its HTTP method and path, budget and steps", opens: .endpoint) { r, s, info in
            if let e = r.builder.endpoint(s, service: r.name.value, info) { r.add(e) }
        },
        .allow,
    ])

    /// `service NAME { ... }`; `info` is its entry in the architecture's table.
    func service(_ statement: Statement, _ info: StatementInfo) -> Service? {
        guard let (name, block) = header(statement, info) else { return nil }
        var r = ServiceReader(builder: self, name: name)
        Self.serviceTable.read(block.statements, into: &r)
        if let key = r.key, r.stateful?.value != true {
            sink.emit(Catalogue.conflictingStatements, "`key` partitions the state of a stateful service; `\(name.value)` is stateless", at: key.span,
                      help: "add `stateful`, or remove `key`")
        }
        guard let placement = r.placement else {
            if r.tracker.span(of: "placement") == nil { missingPlacement(name, kind: "service", scale: true) }
            return nil
        }
        return Service(name: name.value, span: name.span, stateful: r.stateful?.value ?? false, key: r.key, cap: r.cap,
                       placement: placement, autoscale: r.autoscale, capacityPerSecond: r.capacity, loadPerSecond: r.load,
                       endpoints: r.endpoints, allows: r.allows)
    }
}
