import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `retry-amplification`: retries multiply along a request path.
enum RetryAmplificationRule {
    static let rule = Rule(
        name: "retry-amplification", severity: .warning,
        title: "retries multiply along a request path",
        doc: """
        Fires when, on one request path from a gateway (the route, then calls that are not `async`, recursively), \
        the product of (1 + retries) over the hops exceeds 10, or more than one hop retries. Each path is reported \
        once, at its deepest retrying hop, with the path that multiplies the most. Retries at several levels \
        multiply: a route retried twice in front of a call retried twice sends up to 9 attempts to the bottom \
        service, and they arrive exactly when it is already failing or slow, turning a partial outage into an \
        overload. Retry at one hop only, usually the one nearest the caller, and keep the total number of attempts \
        at 10 or below. Endpoints on a call cycle are left to `call-cycle`.
        """,
        run: { context in
            RetryPaths(context.callGraph).findings(in: context.architecture)
        })
}

/// The most-multiplying request path into every endpoint, by dynamic programming over the call DAG (callers
/// first), and whether a path can continue from an endpoint without retrying again (callees first). Linear in
/// endpoints and calls; each endpoint also keeps its best path's length and number of retrying hops, so a
/// finding prints in constant time however deep the path is.
private struct RetryPaths {
    /// How a best path enters an endpoint.
    enum Entry {
        case route(publicEndpoint: Int)
        case call(caller: Int, edge: Int)
    }

    /// Products are capped here so that deep graphs cannot overflow.
    static let cap = 1_000_000_000
    /// Paths with more hops than this print their start and end around `…`.
    static let longPath = 8

    let graph: CallGraph
    /// Largest product of attempts over paths entering each endpoint (0: on no request path).
    var best: [Int]
    var entry: [Entry?]
    /// Hops of the best path into each endpoint, the route included, and how many of them retry.
    var hops: [Int]
    var retrying: [Int]
    /// The public endpoint (index into ``CallGraph/publicEndpoints``) each best path starts from.
    var origin: [Int]
    /// True when some path continuing from the endpoint has no further retrying hop.
    var calmTail: [Bool]
    let cyclic: [Bool]

    init(_ graph: CallGraph) {
        self.graph = graph
        let n = graph.endpoints.count
        let components = graph.stronglyConnectedComponents()
        cyclic = components.cyclic
        let calleesFirst = components.components.flatMap { $0 }.filter { !components.cyclic[$0] }
        best = Array(repeating: 0, count: n)
        entry = Array(repeating: nil, count: n)
        hops = Array(repeating: 0, count: n)
        retrying = Array(repeating: 0, count: n)
        origin = Array(repeating: 0, count: n)
        calmTail = Array(repeating: true, count: n)

        for v in calleesFirst {
            var calm = true
            for edge in graph.calls[v] where !edge.call.async && !cyclic[edge.callee] {
                if edge.call.retries == 0 && calmTail[edge.callee] { calm = true; break }
                calm = false
            }
            calmTail[v] = calm
        }
        for (p, pe) in graph.publicEndpoints.enumerated() {
            guard let v = graph.indexOf[pe.endpoint], !cyclic[v] else { continue }
            let attempts = 1 + pe.route.retries
            if attempts > best[v] {
                best[v] = attempts
                entry[v] = .route(publicEndpoint: p)
                hops[v] = 2
                retrying[v] = attempts > 1 ? 1 : 0
                origin[v] = p
            }
        }
        for u in calleesFirst.reversed() where best[u] > 0 {
            for (k, edge) in graph.calls[u].enumerated() where !edge.call.async && !cyclic[edge.callee] {
                let product = Self.multiply(best[u], 1 + edge.call.retries)
                let w = edge.callee
                if product > best[w] {
                    best[w] = product
                    entry[w] = .call(caller: u, edge: k)
                    hops[w] = hops[u] + 1
                    retrying[w] = retrying[u] + (edge.call.retries > 0 ? 1 : 0)
                    origin[w] = origin[u]
                }
            }
        }
    }

    static func multiply(_ a: Int, _ b: Int) -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || p > cap ? cap : p
    }

    /// One finding per retrying hop that is the deepest retrying hop of a path breaking the limits.
    func findings(in architecture: Architecture) -> RuleOutcome {
        var findings: [Finding] = []
        // Routes: the only retrying hop of a path that stops retrying after it.
        var reportedRoutes: Set<String> = []
        for pe in graph.publicEndpoints {
            guard let v = graph.indexOf[pe.endpoint], !cyclic[v], 1 + pe.route.retries > 10, calmTail[v] else { continue }
            guard reportedRoutes.insert("\(pe.gateway) \(pe.route.prefix)").inserted else { continue }
            let path = [hop(route: pe.route), Hop(name: pe.endpoint.description, attempts: 1)]
            findings.append(finding(path.map(\.description).joined(separator: " → "), hops: 2, retrying: 1,
                                    attempts: 1 + pe.route.retries, at: pe.route.span,
                                    target: pe.endpoint.description, subject: .gateway(pe.gateway)))
        }
        // Calls, in caller order.
        for u in 0..<graph.endpoints.count where best[u] > 0 && !cyclic[u] {
            for edge in graph.calls[u] where !edge.call.async && edge.call.retries > 0 && !cyclic[edge.callee] {
                let attempts = Self.multiply(best[u], 1 + edge.call.retries)
                guard best[u] > 1 || attempts > 10, calmTail[edge.callee] else { continue }
                let last = hop(edge.call, callee: edge.callee)
                let caller = graph.endpoints[u]
                findings.append(finding(describe(into: u, then: last), hops: hops[u] + 1, retrying: retrying[u] + 1,
                                        attempts: attempts, at: edge.call.span, target: graph.endpoints[edge.callee].description,
                                        subject: .endpoint(service: caller.service, endpoint: caller.endpoint)))
            }
        }
        return RuleOutcome(findings: findings)
    }

    /// One hop of a request path: `route /api/orders ×3`, `orders.create`, `users.get ×2`.
    struct Hop: CustomStringConvertible {
        let name: String
        let attempts: Int
        var description: String { name + (attempts > 1 ? " ×\(attempts)" : "") }
    }

    /// The best path into `u` followed by `last`: every hop when it is short; otherwise the route, the first
    /// endpoint, `…` and the last four hops.
    private func describe(into u: Int, then last: Hop) -> String {
        let total = hops[u] + 1
        var tail: [Hop] = [last]
        var cursor = u
        // Walk back at most `longPath` hops: the whole path when short, the end of it otherwise.
        let limit = total <= Self.longPath ? total - 1 : 3
        while tail.count <= limit, let e = entry[cursor] {
            switch e {
            case .route(let p):
                tail.append(Hop(name: graph.endpoints[cursor].description, attempts: 1))
                tail.append(hop(route: graph.publicEndpoints[p].route))
                return tail.reversed().map(\.description).joined(separator: " → ")
            case .call(let caller, let k):
                tail.append(hop(graph.calls[caller][k].call, callee: cursor))
                cursor = caller
            }
        }
        let pe = graph.publicEndpoints[origin[u]]
        let head = [hop(route: pe.route), Hop(name: pe.endpoint.description, attempts: 1)]
        return (head.map(\.description) + ["…"] + tail.reversed().map(\.description)).joined(separator: " → ")
    }

    private func hop(route: GatewayRoute) -> Hop { Hop(name: "route \(route.prefix)", attempts: 1 + route.retries) }

    private func hop(_ call: Call, callee: Int) -> Hop { Hop(name: graph.endpoints[callee].description, attempts: 1 + call.retries) }

    private func finding(_ path: String, hops: Int, retrying: Int, attempts: Int, at span: Span, target: String,
                         subject: Subject) -> Finding {
        let capped = attempts >= Self.cap
        let total = capped ? "more than \(Self.cap) attempts" : PlacementSupport.count(attempts, "attempt")
        var notes: [String] = []
        if retrying > 1 {
            notes.append("\(retrying) of the path's \(hops) hops retry: a failure near the bottom is retried at every level above it")
        }
        if attempts > 10 {
            notes.append("one request can reach \(target) \(capped ? "more than \(Self.cap)" : String(attempts)) times, "
                         + "arriving exactly while it is failing or slow")
        }
        return Finding(
            "retries multiply along a request path: \(path) = \(total)",
            at: span, label: "deepest retry on the path", notes: notes,
            help: "retry at one hop only, usually the one nearest the caller, and keep the attempts at 10 or below",
            subject: subject)
    }
}
