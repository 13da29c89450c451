import StrataDiagnostics
import StrataSyntax

/// What `sets { ... }` has said so far.
struct SetsReader: TrackingReader, AllowReader {
    let sink: DiagnosticSink
    let topology: Topology
    /// False when the topology declares no region, so domain names cannot be checked.
    let usable: Bool
    var tracker: StatementTracker
    var stripe: Located<DomainLevel>?
    var explicit: [SetDefinition] = []
    var explicitStatements: [Statement] = []
    var routing: SetRouting?
    var failover = Failover.nearest
    var allows: [Allow] = []
    var setNames: [String: Span] = [:]

    init(sink: DiagnosticSink, topology: Topology, usable: Bool) {
        self.sink = sink
        self.topology = topology
        self.usable = usable
        tracker = StatementTracker(sink: sink)
    }

    /// `set NAME in DOMAIN`: one explicit set, disjoint from the others.
    mutating func declareSet(_ s: Statement, _ info: StatementInfo) {
        sink.noBlock(s)
        explicitStatements.append(s)
        var c = ArgumentCursor(s, sink: sink)
        guard let name = c.name("the set's name") else { return }
        guard c.accept("in") != nil else { c.wrong("`in DOMAIN`", example: "set \(name.value) in sh-a"); return }
        guard let domainName = c.word("the domain the set lives in", example: "set \(name.value) in sh-a") else { return }
        c.finish(usage: info.usage)
        guard let domain = topology.domain(named: domainName.value) else {
            if usable {
                sink.emit(Catalogue.unknownReference, "no failure domain is named `\(domainName.value)`", at: domainName.span,
                          help: sink.closest(domainName.value, in: topology.domains.dropFirst().map(\.name)).map { "did you mean `\($0)`?" })
            }
            return
        }
        if let earlier = setNames[name.value] {
            sink.emit(Catalogue.duplicateName, "set `\(name.value)` is declared twice", at: name.span, secondary: [Label(earlier, "first declared here")])
            return
        }
        if let other = topology.domain(named: name.value), other != domain {
            sink.emit(Catalogue.duplicateName, "set `\(name.value)` has the name of another failure domain", at: name.span,
                      help: "name a set after its own domain, or pick a name no domain uses")
            return
        }
        if let overlapping = explicit.first(where: { topology.contains($0.domain, domain) || topology.contains(domain, $0.domain) }) {
            sink.emit(Catalogue.conflictingStatements, "set `\(name.value)` overlaps set `\(overlapping.name)`", at: domainName.span,
                      secondary: overlapping.span.map { [Label($0, "`\(overlapping.name)` declared here")] } ?? [],
                      help: "sets isolate traffic, so their domains must be disjoint")
            return
        }
        setNames[name.value] = name.span
        explicit.append(SetDefinition(name: name.value, domain: domain, span: name.span))
    }

    /// `route header "NAME" hash` or `route cookie "NAME"`.
    mutating func route(_ c: inout ArgumentCursor, _ info: StatementInfo) {
        guard let kind = c.choice(["header", "cookie"], what: "how requests are assigned to sets") else { return }
        guard let value = c.string(kind.value == "header" ? "the header name" : "the cookie name",
                                   example: kind.value == "header" ? info.example : "route cookie \"set\"") else { return }
        if kind.value == "header" {
            guard c.choice(["hash"], what: "the assignment function") != nil else { return }
            routing = .headerHash(value.value)
        } else {
            routing = .cookie(value.value)
        }
        if let problem = kind.value == "header" ? ValueSyntax.headerNameProblem(value.value) : ValueSyntax.cookieNameProblem(value.value) {
            sink.emit(Catalogue.invalidArgument, "\"\(value.value)\" is not a \(kind.value) name: it \(problem)", at: value.span)
        }
        c.finish(usage: info.form(startingWith: "route \(kind.value)"))
    }
}

/// Builds the striping from `sets { ... }`; without one, a single set `main` spans everything.
struct SetsBuilder {
    let sink: DiagnosticSink
    let topology: Topology

    /// The name of the implicit set when the spec has no `sets` block.
    static let implicitSetName = "main"
    static let stripeLevels: [DomainLevel] = [.city, .idc, .rack, .machine]

    static let table = StatementTable<SetsReader>(.sets, context: "`sets`", [
        .single("stripe", usage: "stripe idc", summary: "one set per domain of this level (`city`, `idc`, `rack` or `machine`), named after it") { r, c, _ in
            if let w = c.choice(SetsBuilder.stripeLevels.map(\.description), what: "the striping level") {
                r.stripe = Located(DomainLevel(keyword: w.value)!, w.span)
            }
        },
        StatementEntry("set", usage: "set NAME in DOMAIN", example: "set blue in sh-a", summary: "one explicit set covering DOMAIN, instead of `stripe`") { r, s, info in
            r.declareSet(s, info)
        },
        // The "unexpected argument" help quotes the form that was written.
        .single("route", usage: "route header \"NAME\" hash | route cookie \"NAME\"", example: "route header \"x-user-id\" hash",
                summary: "how the access layer assigns a request to a set: the hash of a header, or the set named in a cookie") { r, c, info in
            r.route(&c, info)
        },
        .single("failover", usage: "failover nearest", summary: "`nearest`: a lost set's traffic moves to the nearest surviving set (default); `none` keeps it in place") { r, c, _ in
            if let w = c.choice(["nearest", "none"], what: "a failover policy") { r.failover = Failover(rawValue: w.value)! }
        },
        .allow,
    ])

    /// Builds the striping from the `sets` statement and its entry in the architecture's table, if there is one.
    func build(_ statement: DeferredStatement?, usable: Bool) -> Striping {
        guard let (statement, info) = statement else {
            return Striping(declared: false, stripeLevel: nil,
                            sets: [SetDefinition(name: SetsBuilder.implicitSetName, domain: topology.root, span: nil)],
                            routing: nil, failover: .nearest, allows: [])
        }
        var head = ArgumentCursor(statement, sink: sink)
        head.finish(usage: info.usage)
        var r = SetsReader(sink: sink, topology: topology, usable: usable)
        Self.table.read(sink.requireBlock(statement, example: info.example)?.statements ?? [], into: &r)
        let stripe = r.stripe, explicit = r.explicit, explicitStatements = r.explicitStatements

        var sets: [SetDefinition] = []
        if let stripe, let first = explicitStatements.first {
            sink.emit(Catalogue.conflictingStatements, "`stripe` and explicit `set` statements cannot be combined", at: first.headSpan,
                      secondary: [Label(stripe.span, "`stripe` given here")], help: "either stripe by a level or list the sets")
        }
        if let stripe {
            if usable {
                let domains = topology.domains(at: stripe.value)
                if stripe.value == .machine, let rack = topology.domains(at: .rack).first(where: { topology[$0].machineCount == nil }) {
                    sink.emit(Catalogue.unsatisfiablePlacement, "`stripe machine` needs every rack to declare `machines N`", at: stripe.span,
                              notes: ["rack `\(topology[rack].name)` declares no machine count"])
                } else if domains.isEmpty {
                    sink.emit(Catalogue.unsatisfiablePlacement, "`stripe \(stripe.value)` finds no \(stripe.value) in the topology", at: stripe.span)
                }
                sets = domains.map { SetDefinition(name: topology[$0].name, domain: $0, span: nil) }
            }
        } else if !explicit.isEmpty {
            sets = explicit
        } else if explicitStatements.isEmpty {
            sink.emit(Catalogue.missingStatement, "`sets` declares no set", at: statement.headSpan,
                      help: "stripe by a level (`stripe idc`) or list sets (`set blue in sh-a`)")
        }
        if sets.isEmpty {
            sets = [SetDefinition(name: SetsBuilder.implicitSetName, domain: topology.root, span: nil)]
        }
        return Striping(declared: true, stripeLevel: stripe?.value, sets: sets, routing: r.routing, failover: r.failover, allows: r.allows)
    }
}

/// What `access { ... }` has said so far.
struct AccessReader: TrackingReader, AllowReader {
    let builder: AccessBuilder
    var tracker: StatementTracker
    var regional = false
    var cdn: [CDNRule] = []
    var allows: [Allow] = []
    var sink: DiagnosticSink { builder.sink }

    init(builder: AccessBuilder) {
        self.builder = builder
        tracker = StatementTracker(sink: builder.sink)
    }
}

/// Builds the access layer from `access { ... }`.
struct AccessBuilder {
    let sink: DiagnosticSink

    static let table = StatementTable<AccessReader>(.access, context: "`access`", [
        .single("regional", usage: "regional nearest", summary: "route users to the nearest region") { r, c, _ in
            r.regional = c.choice(["nearest"], what: "a regional routing policy") != nil
        },
        StatementEntry("cdn", usage: "cdn { path \"/static/*\"; ttl 1h }",
                       summary: "serves paths matching `path` from edge caches for `ttl`; several rules may be given") { r, s, info in
            if let rule = r.builder.cdnRule(s, info) { r.cdn.append(rule) }
        },
        .allow,
    ])

    /// `access { ... }`; `info` is its entry in the architecture's table.
    func build(_ statement: Statement, _ info: StatementInfo) -> AccessLayer {
        var head = ArgumentCursor(statement, sink: sink)
        head.finish(usage: info.usage)
        var r = AccessReader(builder: self)
        Self.table.read(sink.requireBlock(statement, example: info.example)?.statements ?? [], into: &r)
        return AccessLayer(regionalNearest: r.regional, cdn: r.cdn, span: statement.headSpan, allows: r.allows)
    }

    /// `cdn { path "/static/*"; ttl 1h }`.
    private func cdnRule(_ statement: Statement, _ info: StatementInfo) -> CDNRule? {
        var c = ArgumentCursor(OptionList.flatten(statement, sink: sink), sink: sink)
        var path: Located<String>?
        var ttl: Double?
        var seen: [String: Span] = [:]
        while !c.isAtEnd, !c.failed {
            guard let key = c.choice(["path", "ttl"], what: "a CDN option") else { break }
            if let earlier = seen[key.value] {
                sink.emit(Catalogue.duplicateStatement, "`\(key.value)` is given twice in this block", at: key.span, secondary: [Label(earlier, "first given here")])
            }
            seen[key.value] = key.span
            if key.value == "path" {
                path = c.string("a path pattern", example: "path \"/static/*\"")
                if let p = path, let problem = ValueSyntax.cdnPathProblem(p.value) {
                    sink.emit(Catalogue.invalidArgument, "the CDN path \"\(p.value)\" \(problem)", at: p.span)
                }
            } else {
                ttl = c.duration("a cache lifetime", example: "ttl 1h")?.value
            }
        }
        guard let path else {
            if !c.failed {
                sink.emit(Catalogue.missingStatement, "`cdn` needs a `path`", at: statement.headSpan, help: "write `\(info.example)`")
            }
            return nil
        }
        return CDNRule(path: path.value, ttlMilliseconds: ttl, span: statement.headSpan)
    }
}
