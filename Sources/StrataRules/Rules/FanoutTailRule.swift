import StrataDiagnostics
import StrataModel

/// `fanout-tail`: a `parallel` block waits on so many calls that their p99 tails dominate.
enum FanoutTailRule {
    /// The share of slow requests above which a fan-out is reported.
    static let threshold = 0.05

    static let rule = Rule(
        name: "fanout-tail", severity: .warning,
        title: "a parallel fan-out makes tail latency common",
        doc: """
        Fires on a `parallel` block whose N calls (counting nested `parallel` blocks, not counting `async` calls) \
        make 1 − 0.99^N exceed 5%, that is N ≥ 6. Each call is slower than its p99 on 1% of requests, and the block \
        waits for the slowest branch, so with N branches the chance that at least one of them is in its tail grows \
        to 1 − 0.99^N: the endpoint's p99 is then set by its callees' rarer, worse tails, and the latency model's \
        p99 figure is optimistic. Call fewer services per request (batch, cache or precompute), hedge the slow \
        calls, or make the least important ones `optional` with a tight timeout.
        """,
        run: { context in
            var findings: [Finding] = []
            for service in context.architecture.services {
                for endpoint in service.endpoints {
                    for step in endpoint.steps {
                        guard case .parallel(let branches, let span) = step else { continue }
                        let n = calls(in: branches)
                        var slow = 1.0
                        for _ in 0..<n { slow *= 0.99 }
                        slow = 1 - slow
                        guard slow > threshold else { continue }
                        let percent = PlacementSupport.number(slow * 100) + "%"
                        findings.append(Finding(
                            "parallel block in \(service.name).\(endpoint.name) waits on \(n) calls: \(percent) of requests hit "
                                + "at least one call's p99 tail",
                            at: span, label: "\(n) concurrent calls",
                            notes: ["each call exceeds its p99 on 1% of requests and the block waits for the slowest, "
                                    + "so 1 − 0.99^\(n) = \(percent) of requests are slow (above 5% from 6 calls on)"],
                            help: "call fewer services per request (batch, cache or precompute), hedge slow calls, "
                                + "or make the least important ones `optional` with a tight timeout",
                            subject: .endpoint(service: service.name, endpoint: endpoint.name)))
                    }
                }
            }
            return RuleOutcome(findings: findings)
        })

    /// Calls that are waited for inside a `parallel` block, nested blocks included.
    private static func calls(in steps: [Step]) -> Int {
        var n = 0
        forEachStep(steps) { step in
            if case .call(let call) = step, !call.async { n += 1 }
        }
        return n
    }
}
