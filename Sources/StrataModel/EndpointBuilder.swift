import StrataDiagnostics
import StrataSyntax

/// A reader of a block of steps: an endpoint, or `parallel { ... }`.
protocol StepReader: ComponentReader {
    var steps: [Step] { get set }
}

/// What `endpoint NAME METHOD "PATH" { ... }` has said so far.
struct EndpointReader: StepReader, TrackingReader, AllowReader {
    let builder: ComponentBuilder
    var tracker: StatementTracker
    var budget: Located<Double>?
    var slo: Located<Double>?
    var idempotent = false
    var allows: [Allow] = []
    var steps: [Step] = []

    init(builder: ComponentBuilder) {
        self.builder = builder
        tracker = StatementTracker(sink: builder.sink)
    }
}

/// The steps of `parallel { ... }`.
struct ParallelReader: StepReader {
    let builder: ComponentBuilder
    var steps: [Step] = []
}

extension StatementEntry where Reader: StepReader {
    /// `work D`.
    static var work: StatementEntry {
        StatementEntry("work", usage: "work 15ms", summary: "the endpoint's own processing time (p99); zero is allowed") { r, s, info in
            if let step = r.builder.work(s, info) { r.steps.append(step) }
        }
    }

    /// `call SERVICE.ENDPOINT [options]`.
    static var call: StatementEntry {
        StatementEntry("call", usage: "call SERVICE.ENDPOINT [timeout D] [retries N] [optional] [async]", example: "call users.get timeout 60ms retries 1",
                       summary: "calls another endpoint; options: per-attempt `timeout` (default 1s), `retries` (default 0), `optional`, `async`") { r, s, _ in
            if let call = r.builder.call(s) { r.steps.append(.call(call)) }
        }
    }

    /// `read STORE [local]`.
    static var read: StatementEntry {
        StatementEntry("read", usage: "read STORE [local]", example: "read orders-db",
                       summary: "reads a store; `local` reads the nearest replica, which may be stale") { r, s, info in
            if let step = r.builder.access(s, info) { r.steps.append(step) }
        }
    }

    /// `write STORE`.
    static var write: StatementEntry {
        StatementEntry("write", usage: "write STORE", example: "write orders-db", summary: "writes a store") { r, s, info in
            if let step = r.builder.access(s, info) { r.steps.append(step) }
        }
    }

    /// `parallel { ... }`.
    static var parallel: StatementEntry {
        StatementEntry("parallel", usage: "parallel { call a.b; call c.d }", example: "parallel { call pricing.quote; call stock.check }",
                       summary: "runs the steps inside concurrently; the slowest branch counts", opens: .parallel) { r, s, info in
            if let step = r.builder.parallel(s, info) { r.steps.append(step) }
        }
    }
}

extension ComponentBuilder {
    // MARK: Endpoint

    static let endpointTable = StatementTable<EndpointReader>(.endpoint, context: "an endpoint", [
        .single("budget", usage: "budget 400ms", summary: "the p99 latency budget, measured at the gateway") { r, c, info in
            r.budget = c.duration("a latency budget", example: info.example)
        },
        .work,
        .single("idempotent", usage: "idempotent", summary: "safe to retry; GET, HEAD, PUT and DELETE count as idempotent without it") { r, _, _ in
            r.idempotent = true
        },
        .single("slo", usage: "slo 99.99%", summary: "the availability target of this endpoint; overrides the architecture's") { r, c, info in
            r.slo = c.percentage("an availability target", example: info.example)
        },
        .call, .read, .write, .parallel,
        .allow,
    ])

    static let parallelTable = StatementTable<ParallelReader>(.parallel, context: "`parallel`", [
        .work, .call, .read, .write, .parallel,
    ])

    /// `endpoint NAME METHOD "PATH" { ... }`.
    func endpoint(_ statement: Statement, service: String, _ info: StatementInfo) -> Endpoint? {
        var c = ArgumentCursor(statement, sink: sink)
        guard let name = c.name("the endpoint's name") else { return nil }
        guard let method = c.choice(HTTPMethod.allCases.map(\.rawValue), what: "an HTTP method") else { return nil }
        guard let path = c.string("the endpoint's path", example: "endpoint \(name.value) \(method.value) \"/api/\(service)\"") else { return nil }
        c.finish(usage: info.usage)
        if let problem = pathProblem(path.value) {
            sink.emit(Catalogue.invalidArgument, "path \"\(path.value)\" \(problem)", at: path.span)
            return nil
        }
        var r = EndpointReader(builder: self)
        Self.endpointTable.read(statement.block?.statements ?? [], into: &r)
        return Endpoint(name: name.value, service: service, method: HTTPMethod(rawValue: method.value)!, path: path.value,
                        span: name.span, budgetMilliseconds: r.budget, idempotent: r.idempotent, slo: r.slo, steps: r.steps, allows: r.allows)
    }

    // MARK: Steps

    /// `work D`.
    func work(_ s: Statement, _ info: StatementInfo) -> Step? {
        sink.noBlock(s)
        var c = ArgumentCursor(s, sink: sink)
        guard let d = c.duration("a processing time", example: info.example, allowZero: true) else { return nil }
        c.finish(usage: info.usage)
        return .work(milliseconds: d.value, span: s.headSpan)
    }

    /// `read STORE [local]` or `write STORE`.
    func access(_ s: Statement, _ info: StatementInfo) -> Step? {
        sink.noBlock(s)
        var c = ArgumentCursor(s, sink: sink)
        guard let store = c.word("the store to \(s.keyword)", example: info.example) else { return nil }
        var local = false
        if s.keyword == "read", c.accept("local") != nil { local = true }
        c.finish(usage: info.usage)
        let access = StoreAccess(store: store.value, local: local, span: store.span)
        return s.keyword == "read" ? .read(access) : .write(access)
    }

    /// `parallel { STEP* }`.
    func parallel(_ s: Statement, _ info: StatementInfo) -> Step? {
        var c = ArgumentCursor(s, sink: sink)
        c.finish(usage: info.usage)
        guard let block = sink.requireBlock(s, example: info.example) else { return nil }
        var inner = ParallelReader(builder: self)
        Self.parallelTable.read(block.statements, into: &inner)
        if block.statements.isEmpty {
            sink.emit(Catalogue.missingStatement, "`parallel` block has no steps", at: s.headSpan)
        }
        return .parallel(inner.steps, span: s.headSpan)
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
}
