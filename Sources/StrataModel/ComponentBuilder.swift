import StrataDiagnostics
import StrataSyntax

/// Builds gateways, discovery, services (with endpoints) and stores.
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
    func replicas(_ s: Statement) -> Placement? {
        sink.noBlock(s)
        var c = ArgumentCursor(s, sink: sink)
        guard let n = c.integer("the number of replicas", in: 1...ComponentBuilder.maxReplicas, example: "replicas 3 per set") else { return nil }
        guard let mode = placementMode(&c, keyword: "replicas") else { return nil }
        c.finish(usage: "replicas N per set | replicas N across LEVEL [in DOMAIN] | replicas N in DOMAIN")
        return Placement(count: n.value, mode: mode, span: s.headSpan)
    }

    /// `scale MIN..MAX per set [cpu P%]` (or across/in): returns the autoscale range and the placement of MIN instances.
    func scale(_ s: Statement) -> (Autoscale, Placement)? {
        sink.noBlock(s)
        var c = ArgumentCursor(s, sink: sink)
        guard let range = c.range("the autoscaling range", in: 1...ComponentBuilder.maxReplicas, example: "scale 3..12 per set") else { return nil }
        guard let mode = placementMode(&c, keyword: "scale 3..12") else { return nil }
        var cpu = 0.7
        if c.accept("cpu") != nil {
            guard let p = c.percentage("a CPU utilisation target", example: "cpu 70%") else { return nil }
            cpu = p.value
        }
        c.finish(usage: "scale MIN..MAX per set [cpu 70%]")
        return (Autoscale(min: range.value.lowerBound, max: range.value.upperBound, cpuPercent: cpu, span: s.headSpan),
                Placement(count: range.value.lowerBound, mode: mode, span: s.headSpan))
    }

    /// Reads the component's name from `KEYWORD NAME { ... }`.
    func header(_ s: Statement, kind: String) -> (Located<String>, Block)? {
        var c = ArgumentCursor(s, sink: sink)
        guard let name = c.name("the \(kind)'s name") else { return nil }
        c.finish(usage: "\(kind) NAME { ... }")
        guard let block = sink.requireBlock(s, example: "\(kind) \(name.value) { replicas 2 per set }") else { return nil }
        return (name, block)
    }

    func missingPlacement(_ name: Located<String>, kind: String, scale: Bool = false) {
        sink.emit(Catalogue.missingStatement, "\(kind) `\(name.value)` has no placement", at: name.span,
                  help: "add `replicas 2 per set`, `replicas 3 across idc` or `replicas 2 in DOMAIN`" + (scale ? ", or `scale 2..10 per set`" : ""))
    }

    // MARK: Gateway

    func gateway(_ statement: Statement) -> Gateway? {
        guard let (name, block) = header(statement, kind: "gateway") else { return nil }
        var tracker = StatementTracker(sink: sink)
        var engine = GatewayEngine.envoy
        var placement: Placement?
        var auth: Located<AuthMode>?
        var rateLimit: Double?
        var routes: [GatewayRoute] = []
        var allows: [Allow] = []
        for s in block.statements {
            switch s.keyword {
            case "engine":
                tracker.single(s, usage: "engine envoy") { c in
                    if let w = c.choice(["envoy", "nginx"], what: "a gateway engine") { engine = GatewayEngine(rawValue: w.value)! }
                }
            case "replicas":
                guard tracker.first(s, key: "placement") else { continue }
                placement = replicas(s)
            case "auth":
                tracker.single(s, usage: "auth jwt") { c in
                    if let w = c.choice(["jwt", "api-key", "none"], what: "an authentication mode") { auth = Located(AuthMode(rawValue: w.value)!, w.span) }
                }
            case "rate-limit":
                tracker.single(s, usage: "rate-limit 2000/s") { c in
                    rateLimit = c.rate("a rate limit", example: "rate-limit 2000/s")?.value
                }
            case "route":
                if let r = route(s) {
                    if let dup = routes.first(where: { $0.prefix == r.prefix }) {
                        sink.emit(Catalogue.duplicateName, "route prefix \"\(r.prefix)\" is declared twice in gateway `\(name.value)`", at: r.span,
                                  secondary: [Label(dup.span, "first declared here")])
                    } else {
                        routes.append(r)
                    }
                }
            case "allow":
                if let a = sink.allow(s) { allows.append(a) }
            default:
                sink.unknownStatement(s, in: "a gateway", accepted: ["engine", "replicas", "auth", "rate-limit", "route", "allow"])
            }
        }
        guard let placement else {
            if tracker.span(of: "placement") == nil { missingPlacement(name, kind: "gateway") }
            return nil
        }
        return Gateway(name: name.value, span: name.span, engine: engine, placement: placement, auth: auth,
                       rateLimitPerSecond: rateLimit, routes: routes, allows: allows)
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

    /// Why a path is not acceptable, or nil.
    func pathProblem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "must start with `/`" }
        if path.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" || $0 == "\"" || $0 == "\\" || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) }) {
            return "must not contain spaces, quotes, backslashes, control characters, `?` or `#`"
        }
        var depth = 0
        for ch in path {
            if ch == "{" { depth += 1; if depth > 1 { return "has nested `{`" } }
            if ch == "}" { depth -= 1; if depth < 0 { return "has `}` without `{`" } }
        }
        if depth != 0 { return "has an unclosed `{`" }
        if path.contains("{}") { return "has an empty `{}` parameter" }
        return nil
    }

    // MARK: Discovery

    func discovery(_ statement: Statement) -> Discovery? {
        var head = ArgumentCursor(statement, sink: sink)
        head.finish(usage: "discovery { mode registry }")
        guard let block = sink.requireBlock(statement, example: "discovery { mode registry; engine etcd; replicas 3 across idc }") else { return nil }
        var tracker = StatementTracker(sink: sink)
        var mode: Located<DiscoveryMode>?
        var engine: Located<DiscoveryEngine>?
        var placement: Placement?
        var allows: [Allow] = []
        for s in block.statements {
            switch s.keyword {
            case "mode":
                tracker.single(s, usage: "mode registry") { c in
                    if let w = c.choice(["registry", "mesh"], what: "a discovery mode") { mode = Located(DiscoveryMode(rawValue: w.value)!, w.span) }
                }
            case "engine":
                tracker.single(s, usage: "engine etcd") { c in
                    if let w = c.choice(["etcd", "consul", "envoy"], what: "a discovery engine") { engine = Located(DiscoveryEngine(rawValue: w.value)!, w.span) }
                }
            case "replicas":
                guard tracker.first(s, key: "placement") else { continue }
                placement = replicas(s)
            case "allow":
                if let a = sink.allow(s) { allows.append(a) }
            default:
                sink.unknownStatement(s, in: "`discovery`", accepted: ["mode", "engine", "replicas", "allow"])
            }
        }
        guard let mode else {
            sink.emit(Catalogue.missingStatement, "`discovery` needs a `mode`", at: statement.headSpan, help: "add `mode registry` or `mode mesh`")
            return nil
        }
        switch mode.value {
        case .registry:
            if let engine, engine.value == .envoy {
                sink.emit(Catalogue.conflictingStatements, "`engine envoy` is for `mode mesh`; a registry runs `etcd` or `consul`", at: engine.span,
                          secondary: [Label(mode.span, "mode given here")])
                return nil
            }
            guard let placement else {
                if tracker.span(of: "placement") == nil {
                    sink.emit(Catalogue.missingStatement, "the registry has no placement", at: statement.headSpan,
                              help: "a registry is a component too: add `replicas 3 across idc`")
                }
                return nil
            }
            return Discovery(mode: .registry, engine: engine?.value ?? .etcd, placement: placement, span: statement.headSpan, allows: allows)
        case .mesh:
            if let engine, engine.value != .envoy {
                sink.emit(Catalogue.conflictingStatements, "`mode mesh` uses `engine envoy` sidecars, not \(engine.value)", at: engine.span,
                          secondary: [Label(mode.span, "mode given here")])
                return nil
            }
            if let placement {
                sink.emit(Catalogue.conflictingStatements, "mesh sidecars run beside every instance; `replicas` does not apply", at: placement.span,
                          secondary: [Label(mode.span, "mode given here")])
                return nil
            }
            return Discovery(mode: .mesh, engine: .envoy, placement: nil, span: statement.headSpan, allows: allows)
        }
    }
}
