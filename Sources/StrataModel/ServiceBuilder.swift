import StrataDiagnostics
import StrataSyntax

extension ComponentBuilder {
    // MARK: Service

    static let serviceStatements = ["stateful", "stateless", "key", "cap", "replicas", "scale", "capacity", "load", "endpoint", "allow"]

    func service(_ statement: Statement) -> Service? {
        guard let (name, block) = header(statement, kind: "service") else { return nil }
        var tracker = StatementTracker(sink: sink)
        var stateful: Located<Bool>?
        var key: Located<String>?
        var cap: Located<CAPClaim>?
        var placement: Placement?
        var autoscale: Autoscale?
        var capacity: Located<Double>?
        var load: Located<Double>?
        var endpoints: [Endpoint] = []
        var allows: [Allow] = []
        for s in block.statements {
            switch s.keyword {
            case "stateful", "stateless":
                guard tracker.first(s, key: "statefulness"), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                c.finish(usage: s.keyword)
                stateful = Located(s.keyword == "stateful", s.keywordSpan)
            case "key":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                key = c.string("the request header that partitions state", example: "key \"x-user-id\"")
                c.finish(usage: "key \"x-user-id\"")
            case "cap":
                tracker.single(s, usage: "cap ap") { c in
                    if let w = c.choice(["ap", "cp"], what: "a CAP claim") { cap = Located(CAPClaim(rawValue: w.value)!, w.span) }
                }
            case "replicas":
                guard tracker.first(s, key: "placement") else { continue }
                placement = replicas(s)
            case "scale":
                guard tracker.first(s, key: "placement") else { continue }
                if let (a, p) = scale(s) { autoscale = a; placement = p }
            case "capacity":
                tracker.single(s, usage: "capacity 800/s") { c in
                    capacity = c.rate("the requests one instance can serve", example: "capacity 800/s")
                }
            case "load":
                tracker.single(s, usage: "load 5000/s") { c in
                    load = c.rate("the peak load over all sets", example: "load 5000/s")
                }
            case "endpoint":
                guard let e = endpoint(s, service: name.value) else { continue }
                if let dup = endpoints.first(where: { $0.name == e.name }) {
                    sink.emit(Catalogue.duplicateName, "endpoint `\(e.name)` is declared twice in service `\(name.value)`", at: e.span,
                              secondary: [Label(dup.span, "first declared here")])
                } else if let dup = endpoints.first(where: { $0.method == e.method && $0.path == e.path }) {
                    sink.emit(Catalogue.duplicateName, "`\(e.method.rawValue) \(e.path)` is served twice in service `\(name.value)`", at: e.span,
                              secondary: [Label(dup.span, "also served by `\(dup.name)`")])
                } else {
                    endpoints.append(e)
                }
            case "allow":
                if let a = sink.allow(s) { allows.append(a) }
            default:
                sink.unknownStatement(s, in: "a service", accepted: ComponentBuilder.serviceStatements)
            }
        }
        if let key, stateful?.value != true {
            sink.emit(Catalogue.conflictingStatements, "`key` partitions the state of a stateful service; `\(name.value)` is stateless", at: key.span,
                      help: "add `stateful`, or remove `key`")
        }
        guard let placement else {
            if tracker.span(of: "placement") == nil { missingPlacement(name, kind: "service", scale: true) }
            return nil
        }
        return Service(name: name.value, span: name.span, stateful: stateful?.value ?? false, key: key, cap: cap,
                       placement: placement, autoscale: autoscale, capacityPerSecond: capacity, loadPerSecond: load,
                       endpoints: endpoints, allows: allows)
    }

    // MARK: Endpoint

    static let endpointStatements = ["budget", "work", "idempotent", "slo", "call", "read", "write", "parallel", "allow"]

    /// `endpoint NAME METHOD "PATH" { ... }`.
    func endpoint(_ statement: Statement, service: String) -> Endpoint? {
        var c = ArgumentCursor(statement, sink: sink)
        guard let name = c.name("the endpoint's name") else { return nil }
        guard let method = c.choice(HTTPMethod.allCases.map(\.rawValue), what: "an HTTP method") else { return nil }
        guard let path = c.string("the endpoint's path", example: "endpoint \(name.value) \(method.value) \"/api/\(service)\"") else { return nil }
        c.finish(usage: "endpoint NAME METHOD \"/path\" { ... }")
        if let problem = pathProblem(path.value) {
            sink.emit(Catalogue.invalidArgument, "path \"\(path.value)\" \(problem)", at: path.span)
            return nil
        }
        var tracker = StatementTracker(sink: sink)
        var budget: Located<Double>?
        var slo: Located<Double>?
        var idempotent = false
        var allows: [Allow] = []
        var steps: [Step] = []
        for s in statement.block?.statements ?? [] {
            switch s.keyword {
            case "budget":
                tracker.single(s, usage: "budget 400ms") { c in
                    budget = c.duration("a latency budget", example: "budget 400ms")
                }
            case "slo":
                tracker.single(s, usage: "slo 99.99%") { c in
                    slo = c.percentage("an availability target", example: "slo 99.99%")
                }
            case "idempotent":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                c.finish(usage: "idempotent")
                idempotent = true
            case "allow":
                if let a = sink.allow(s) { allows.append(a) }
            default:
                if let step = step(s, context: "an endpoint", accepted: ComponentBuilder.endpointStatements) { steps.append(step) }
            }
        }
        return Endpoint(name: name.value, service: service, method: HTTPMethod(rawValue: method.value)!, path: path.value,
                        span: name.span, budgetMilliseconds: budget, idempotent: idempotent, slo: slo, steps: steps, allows: allows)
    }

    /// One step: `work`, `call`, `read`, `write` or `parallel { ... }`.
    func step(_ s: Statement, context: String, accepted: [String]) -> Step? {
        switch s.keyword {
        case "work":
            sink.noBlock(s)
            var c = ArgumentCursor(s, sink: sink)
            guard let d = c.duration("a processing time", example: "work 15ms", allowZero: true) else { return nil }
            c.finish(usage: "work 15ms")
            return .work(milliseconds: d.value, span: s.headSpan)
        case "call":
            return call(s).map { .call($0) }
        case "read", "write":
            sink.noBlock(s)
            var c = ArgumentCursor(s, sink: sink)
            guard let store = c.word("the store to \(s.keyword)", example: "\(s.keyword) orders-db") else { return nil }
            var local = false
            if s.keyword == "read", c.accept("local") != nil { local = true }
            c.finish(usage: s.keyword == "read" ? "read STORE [local]" : "write STORE")
            let access = StoreAccess(store: store.value, local: local, span: store.span)
            return s.keyword == "read" ? .read(access) : .write(access)
        case "parallel":
            var c = ArgumentCursor(s, sink: sink)
            c.finish(usage: "parallel { call a.b; call c.d }")
            guard let block = sink.requireBlock(s, example: "parallel { call pricing.quote; call stock.check }") else { return nil }
            let inner = block.statements.compactMap { step($0, context: "`parallel`", accepted: ["work", "call", "read", "write", "parallel"]) }
            if block.statements.isEmpty {
                sink.emit(Catalogue.missingStatement, "`parallel` block has no steps", at: s.headSpan)
            }
            return .parallel(inner, span: s.headSpan)
        default:
            sink.unknownStatement(s, in: context, accepted: accepted)
            return nil
        }
    }

    /// `call SERVICE.ENDPOINT [timeout D] [retries N] [optional] [async]`.
    func call(_ s: Statement) -> Call? {
        sink.noBlock(s)
        var c = ArgumentCursor(s, sink: sink)
        guard let target = c.qualified("the endpoint to call, as `service.endpoint`", example: "call users.get") else { return nil }
        var timeout: Double?
        var retries = 0
        var optional = false
        var async = false
        var seen: Set<String> = []
        while !c.isAtEnd, !c.failed {
            guard let option = c.choice(["timeout", "retries", "optional", "async"], what: "a call option") else { return nil }
            if !seen.insert(option.value).inserted {
                sink.emit(Catalogue.duplicateStatement, "`\(option.value)` is given twice for this call", at: option.span)
            }
            switch option.value {
            case "timeout": timeout = c.duration("a timeout", example: "timeout 60ms")?.value
            case "retries": retries = c.integer("the number of retries", in: 0...10, example: "retries 1")?.value ?? 0
            case "optional": optional = true
            default: async = true
            }
        }
        if c.failed { return nil }
        return Call(service: target.value[0], endpoint: target.value[1], timeoutMilliseconds: timeout ?? 1000,
                    timeoutDeclared: timeout != nil, retries: retries, optional: optional, async: async, span: target.span)
    }

    // MARK: Store

    static let storeStatements = ["engine", "consistency", "replicas", "replication", "quorum", "leader", "shards", "proxy", "allow"]

    func store(_ statement: Statement) -> Store? {
        guard let (name, block) = header(statement, kind: "store") else { return nil }
        var tracker = StatementTracker(sink: sink)
        var engine: String?
        var consistency: Located<Consistency>?
        var placement: Placement?
        var replication: Located<Replication>?
        var quorum: (read: Located<Int>?, write: Located<Int>?, span: Span)?
        var leader: Located<DomainID>?
        var shards: Int?
        var shardKey: String?
        var proxy = false
        var allows: [Allow] = []
        for s in block.statements {
            switch s.keyword {
            case "engine":
                tracker.single(s, usage: "engine postgres") { c in
                    engine = c.name("a storage engine")?.value
                }
            case "consistency":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                guard let w = c.choice(["strong", "session", "bounded", "eventual"], what: "a consistency level") else { continue }
                switch w.value {
                case "strong": consistency = Located(.strong, w.span)
                case "session": consistency = Located(.session, w.span)
                case "eventual": consistency = Located(.eventual, w.span)
                default:
                    if let d = c.duration("the staleness bound", example: "consistency bounded 5s") {
                        consistency = Located(.bounded(milliseconds: d.value), w.span.merged(with: d.span))
                    }
                }
                c.finish(usage: "consistency strong | session | bounded 5s | eventual")
            case "replicas":
                guard tracker.first(s, key: "placement") else { continue }
                placement = replicas(s)
            case "replication":
                tracker.single(s, usage: "replication sync") { c in
                    if let w = c.choice(["sync", "async"], what: "a replication mode") { replication = Located(Replication(rawValue: w.value)!, w.span) }
                }
            case "quorum":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                var read: Located<Int>?, write: Located<Int>?
                while !c.isAtEnd, !c.failed {
                    guard let k = c.choice(["read", "write"], what: "`read N` or `write N`") else { break }
                    let n = c.integer("a quorum size", in: 1...ComponentBuilder.maxReplicas, example: "quorum read 2 write 2")
                    if k.value == "read" { read = n } else { write = n }
                }
                if read == nil, write == nil, !c.failed { c.missing("`read N` and/or `write N`", example: "quorum read 2 write 2") }
                if !c.failed { quorum = (read, write, s.headSpan) }
            case "leader":
                tracker.single(s, usage: "leader DOMAIN") { c in
                    leader = domainReference(&c, what: "the domain where writes go")
                }
            case "shards":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                guard let n = c.integer("the number of shards", in: 1...65_536, example: "shards 64 key \"user_id\"") else { continue }
                shards = n.value
                if c.accept("key") != nil {
                    shardKey = c.string("the shard key", example: "shards \(n.value) key \"user_id\"")?.value
                }
                c.finish(usage: "shards N key \"field\"")
            case "proxy":
                guard tracker.first(s), sink.noBlock(s) else { continue }
                var c = ArgumentCursor(s, sink: sink)
                c.finish(usage: "proxy")
                proxy = true
            case "allow":
                if let a = sink.allow(s) { allows.append(a) }
            default:
                sink.unknownStatement(s, in: "a store", accepted: ComponentBuilder.storeStatements)
            }
        }
        guard let placement else {
            if tracker.span(of: "placement") == nil { missingPlacement(name, kind: "store") }
            return nil
        }
        // Defaults: strong/session consistency implies sync replication and vice versa; otherwise eventual + async.
        let resolvedConsistency: Located<Consistency> = consistency
            ?? Located(replication?.value == .sync ? .strong : .eventual, name.span)
        let resolvedReplication: Located<Replication> = replication
            ?? Located(resolvedConsistency.value == .strong || resolvedConsistency.value == .session ? .sync : .async, name.span)
        let voters = placement.count
        let defaultQuorum = resolvedReplication.value == .sync ? voters / 2 + 1 : 1
        var readQuorum = quorum?.read?.value ?? defaultQuorum
        var writeQuorum = quorum?.write?.value ?? defaultQuorum
        for q in [quorum?.read, quorum?.write].compactMap({ $0 }) where q.value > voters {
            sink.emit(Catalogue.outOfRange, "a quorum of \(q.value) cannot be reached with \(voters) voting replicas", at: q.span,
                      secondary: [Label(placement.span, "\(voters) replicas placed here")])
            readQuorum = min(readQuorum, voters)
            writeQuorum = min(writeQuorum, voters)
        }
        if shardKey != nil, shards == nil { shards = 1 }
        if proxy, shards == nil {
            sink.emit(Catalogue.conflictingStatements, "`proxy` routes to shards, but store `\(name.value)` is not sharded", at: tracker.span(of: "proxy") ?? name.span,
                      help: "add `shards N key \"field\"`, or remove `proxy`")
        }
        return Store(name: name.value, span: name.span, engine: engine ?? "unspecified", consistency: resolvedConsistency,
                     placement: placement, replication: resolvedReplication, readQuorum: readQuorum, writeQuorum: writeQuorum,
                     quorumSpan: quorum?.span, leader: leader, shards: shards, shardKey: shardKey, proxy: proxy, allows: allows)
    }
}
