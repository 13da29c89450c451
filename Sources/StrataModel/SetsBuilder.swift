import StrataDiagnostics
import StrataSyntax

/// Builds the striping from `sets { ... }`; without one, a single set `main` spans everything.
struct SetsBuilder {
    let sink: DiagnosticSink
    let topology: Topology

    /// The name of the implicit set when the spec has no `sets` block.
    static let implicitSetName = "main"
    static let stripeLevels: [DomainLevel] = [.city, .idc, .rack, .machine]

    func build(_ statement: Statement?, usable: Bool) -> Striping {
        guard let statement else {
            return Striping(declared: false, stripeLevel: nil,
                            sets: [SetDefinition(name: SetsBuilder.implicitSetName, domain: topology.root, span: nil)],
                            routing: nil, failover: .nearest, allows: [])
        }
        var head = ArgumentCursor(statement, sink: sink)
        head.finish(usage: "sets { stripe idc }")
        var tracker = StatementTracker(sink: sink)
        var stripe: Located<DomainLevel>?
        var explicit: [SetDefinition] = []
        var explicitStatements: [Statement] = []
        var routing: SetRouting?
        var failover = Failover.nearest
        var allows: [Allow] = []
        var setNames: [String: Span] = [:]

        for s in sink.requireBlock(statement, example: "sets { stripe idc }")?.statements ?? [] {
            switch s.keyword {
            case "stripe":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                if let w = c.choice(SetsBuilder.stripeLevels.map(\.description), what: "the striping level") {
                    stripe = Located(DomainLevel(keyword: w.value)!, w.span)
                }
                c.finish(usage: "stripe idc")
            case "set":
                sink.noBlock(s)
                explicitStatements.append(s)
                var c = ArgumentCursor(s, sink: sink)
                guard let name = c.name("the set's name") else { continue }
                guard c.accept("in") != nil else { c.wrong("`in DOMAIN`", example: "set \(name.value) in sh-a"); continue }
                guard let domainName = c.word("the domain the set lives in", example: "set \(name.value) in sh-a") else { continue }
                c.finish(usage: "set NAME in DOMAIN")
                guard let domain = topology.domain(named: domainName.value) else {
                    if usable {
                        sink.emit(Catalogue.unknownReference, "no failure domain is named `\(domainName.value)`", at: domainName.span,
                                  help: sink.closest(domainName.value, in: topology.domains.dropFirst().map(\.name)).map { "did you mean `\($0)`?" })
                    }
                    continue
                }
                if let earlier = setNames[name.value] {
                    sink.emit(Catalogue.duplicateName, "set `\(name.value)` is declared twice", at: name.span, secondary: [Label(earlier, "first declared here")])
                    continue
                }
                if let other = topology.domain(named: name.value), other != domain {
                    sink.emit(Catalogue.duplicateName, "set `\(name.value)` has the name of another failure domain", at: name.span,
                              help: "name a set after its own domain, or pick a name no domain uses")
                    continue
                }
                if let overlapping = explicit.first(where: { topology.contains($0.domain, domain) || topology.contains(domain, $0.domain) }) {
                    sink.emit(Catalogue.conflictingStatements, "set `\(name.value)` overlaps set `\(overlapping.name)`", at: domainName.span,
                              secondary: overlapping.span.map { [Label($0, "`\(overlapping.name)` declared here")] } ?? [],
                              help: "sets isolate traffic, so their domains must be disjoint")
                    continue
                }
                setNames[name.value] = name.span
                explicit.append(SetDefinition(name: name.value, domain: domain, span: name.span))
            case "route":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                guard let kind = c.choice(["header", "cookie"], what: "how requests are assigned to sets") else { continue }
                guard let value = c.string(kind.value == "header" ? "the header name" : "the cookie name",
                                           example: kind.value == "header" ? "route header \"x-user-id\" hash" : "route cookie \"set\"") else { continue }
                if kind.value == "header" {
                    guard c.choice(["hash"], what: "the assignment function") != nil else { continue }
                    routing = .headerHash(value.value)
                } else {
                    routing = .cookie(value.value)
                }
                if value.value.isEmpty || value.value.contains(where: { $0 == " " || $0 == ":" || $0.isNewline }) {
                    sink.emit(Catalogue.invalidArgument, "`\(value.value)` is not a valid \(kind.value) name", at: value.span)
                }
                c.finish(usage: kind.value == "header" ? "route header \"NAME\" hash" : "route cookie \"NAME\"")
            case "failover":
                tracker.single(s, usage: "failover nearest") { c in
                    if let w = c.choice(["nearest", "none"], what: "a failover policy") { failover = Failover(rawValue: w.value)! }
                }
            case "allow":
                if let a = sink.allow(s) { allows.append(a) }
            default:
                sink.unknownStatement(s, in: "`sets`", accepted: ["stripe", "set", "route", "failover", "allow"])
            }
        }

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
        return Striping(declared: true, stripeLevel: stripe?.value, sets: sets, routing: routing, failover: failover, allows: allows)
    }
}

/// Builds the access layer from `access { ... }`.
struct AccessBuilder {
    let sink: DiagnosticSink

    func build(_ statement: Statement) -> AccessLayer {
        var head = ArgumentCursor(statement, sink: sink)
        head.finish(usage: "access { regional nearest }")
        var tracker = StatementTracker(sink: sink)
        var regional = false
        var cdn: [CDNRule] = []
        var allows: [Allow] = []
        for s in sink.requireBlock(statement, example: "access { regional nearest }")?.statements ?? [] {
            switch s.keyword {
            case "regional":
                tracker.single(s, usage: "regional nearest") { c in
                    regional = c.choice(["nearest"], what: "a regional routing policy") != nil
                }
            case "cdn":
                if let rule = cdnRule(s) { cdn.append(rule) }
            case "allow":
                if let a = sink.allow(s) { allows.append(a) }
            default:
                sink.unknownStatement(s, in: "`access`", accepted: ["regional", "cdn", "allow"])
            }
        }
        return AccessLayer(regionalNearest: regional, cdn: cdn, span: statement.headSpan, allows: allows)
    }

    /// `cdn { path "/static/*"; ttl 1h }`.
    private func cdnRule(_ statement: Statement) -> CDNRule? {
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
                if let p = path, !p.value.hasPrefix("/") {
                    sink.emit(Catalogue.invalidArgument, "a CDN path must start with `/`", at: p.span)
                }
            } else {
                ttl = c.duration("a cache lifetime", example: "ttl 1h")?.value
            }
        }
        guard let path else {
            if !c.failed {
                sink.emit(Catalogue.missingStatement, "`cdn` needs a `path`", at: statement.headSpan, help: "write `cdn { path \"/static/*\"; ttl 1h }`")
            }
            return nil
        }
        return CDNRule(path: path.value, ttlMilliseconds: ttl, span: statement.headSpan)
    }
}
