import StrataDiagnostics
import StrataSyntax

/// What `store NAME { ... }` has said so far.
struct StoreReader: PlacementReader, AllowReader {
    let builder: ComponentBuilder
    var tracker: StatementTracker
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

    init(builder: ComponentBuilder) {
        self.builder = builder
        tracker = StatementTracker(sink: builder.sink)
    }
}

extension ComponentBuilder {
    // MARK: Store

    static let storeTable = StatementTable<StoreReader>(.store, context: "a store", [
        .single("engine", usage: "engine postgres", summary: "the storage engine: `postgres`, `mysql`, `redis`, `cassandra`, `etcd` or any other name") { r, c, _ in
            r.engine = c.name("a storage engine")?.value
        },
        .single("consistency", usage: "consistency strong | session | bounded 5s | eventual", example: "consistency strong",
                summary: "the read guarantee; `strong` by default with `replication sync`, else `eventual`") { r, c, _ in
            guard let w = c.choice(["strong", "session", "bounded", "eventual"], what: "a consistency level") else { return }
            switch w.value {
            case "strong": r.consistency = Located(.strong, w.span)
            case "session": r.consistency = Located(.session, w.span)
            case "eventual": r.consistency = Located(.eventual, w.span)
            default:
                if let d = c.duration("the staleness bound", example: "consistency bounded 5s") {
                    r.consistency = Located(.bounded(milliseconds: d.value), w.span.merged(with: d.span))
                }
            }
        },
        .replicas(summary: "the voting replicas, and where they run"),
        .single("replication", usage: "replication sync", summary: "`sync` (quorum commit) or `async`; `sync` by default for `strong` and `session`") { r, c, _ in
            if let w = c.choice(["sync", "async"], what: "a replication mode") { r.replication = Located(Replication(rawValue: w.value)!, w.span) }
        },
        .single("quorum", usage: "quorum read R write W", example: "quorum read 2 write 2",
                summary: "Dynamo-style quorum sizes; by default a majority for `sync`, 1 for `async`") { r, c, info in
            var read: Located<Int>?, write: Located<Int>?
            while !c.isAtEnd, !c.failed {
                guard let k = c.choice(["read", "write"], what: "`read N` or `write N`") else { break }
                let n = c.integer("a quorum size", in: 1...ComponentBuilder.maxReplicas, example: info.example)
                if k.value == "read" { read = n } else { write = n }
            }
            if read == nil, write == nil, !c.failed { c.missing("`read N` and/or `write N`", example: info.example) }
            if !c.failed { r.quorum = (read, write, c.statement.headSpan) }
        },
        .single("leader", usage: "leader DOMAIN", example: "leader sh-a",
                summary: "where writes go; the domain must hold a replica (default: the first replica's)") { r, c, _ in
            r.leader = r.builder.domainReference(&c, what: "the domain where writes go")
        },
        .single("shards", usage: "shards N key \"field\"", example: "shards 64 key \"user_id\"", summary: "splits the data into N shards by the key field") { r, c, info in
            guard let n = c.integer("the number of shards", in: 1...65_536, example: info.example) else { return }
            r.shards = n.value
            if c.accept("key") != nil {
                let key = c.string("the shard key", example: "shards \(n.value) key \"user_id\"")
                if let key, let problem = ValueSyntax.fieldNameProblem(key.value) {
                    c.sink.emit(Catalogue.invalidArgument, "the shard key \"\(key.value)\" \(problem)", at: key.span)
                } else {
                    r.shardKey = key?.value
                }
            }
        },
        .single("proxy", usage: "proxy", summary: "shards are reached through a data proxy, decoupled from sets; needs `shards`") { r, _, _ in
            r.proxy = true
        },
        .allow,
    ])

    /// `store NAME { ... }`; `info` is its entry in the architecture's table.
    func store(_ statement: Statement, _ info: StatementInfo) -> Store? {
        guard let (name, block) = header(statement, info) else { return nil }
        var r = StoreReader(builder: self)
        Self.storeTable.read(block.statements, into: &r)
        guard let placement = r.placement else {
            if r.tracker.span(of: "placement") == nil { missingPlacement(name, kind: "store") }
            return nil
        }
        // Defaults: strong/session consistency implies sync replication and vice versa; otherwise eventual + async.
        let resolvedConsistency: Located<Consistency> = r.consistency
            ?? Located(r.replication?.value == .sync ? .strong : .eventual, name.span)
        let resolvedReplication: Located<Replication> = r.replication
            ?? Located(resolvedConsistency.value == .strong || resolvedConsistency.value == .session ? .sync : .async, name.span)
        let voters = placement.count
        let defaultQuorum = resolvedReplication.value == .sync ? voters / 2 + 1 : 1
        var readQuorum = r.quorum?.read?.value ?? defaultQuorum
        var writeQuorum = r.quorum?.write?.value ?? defaultQuorum
        for q in [r.quorum?.read, r.quorum?.write].compactMap({ $0 }) where q.value > voters {
            sink.emit(Catalogue.outOfRange, "a quorum of \(q.value) cannot be reached with \(voters) voting replicas", at: q.span,
                      secondary: [Label(placement.span, "\(voters) replicas placed here")])
            readQuorum = min(readQuorum, voters)
            writeQuorum = min(writeQuorum, voters)
        }
        if r.shardKey != nil, r.shards == nil { r.shards = 1 }
        if r.proxy, r.shards == nil {
            sink.emit(Catalogue.conflictingStatements, "`proxy` routes to shards, but store `\(name.value)` is not sharded", at: r.tracker.span(of: "proxy") ?? name.span,
                      help: "add `shards N key \"field\"`, or remove `proxy`")
        }
        return Store(name: name.value, span: name.span, engine: r.engine ?? "unspecified", consistency: resolvedConsistency,
                     placement: placement, replication: resolvedReplication, readQuorum: readQuorum, writeQuorum: writeQuorum,
                     quorumSpan: r.quorum?.span, leader: r.leader, shards: r.shards, shardKey: r.shardKey, proxy: r.proxy, allows: r.allows)
    }
}
