import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `failover-latency`: the budget holds normally but not after a single failure at `survive`.
enum FailoverLatencyRule {
    static let rule = Rule(
        name: "failover-latency", severity: .warning,
        title: "the latency budget breaks after a single failure at the survive level",
        doc: """
        For every domain at the `survive` level, simulates its loss and recomputes the p99 path of each public \
        endpoint for the users of every set: traffic may fail over to a farther set (adding the RTT from the \
        users' set to it), a store's leader may move to the surviving voter nearest to the old one, and reads go \
        to the nearest surviving replica. It fires when the budget holds with nothing lost but not after some \
        such failure, so that the system survives the failure but misses its budget while degraded. Fix it by \
        keeping a failover target close (sets in the same city), placing voters so that the new leader is near, \
        or accepting a larger budget for degraded operation.
        """,
        run: { context in
            let arch = context.architecture
            let graph = context.callGraph
            let sim = context.simulation
            guard sim.isComplete else { return RuleOutcome(skipped: ["the call graph has a cycle (see call-cycle)"]) }
            let normal = context.latency()
            var findings: [Finding] = []
            var reported: Set<EndpointID> = []
            let failures = sim.failures.filter { arch.topology[$0].level == arch.survive }
            for (p, pe) in graph.publicEndpoints.enumerated() where !reported.contains(pe.endpoint) {
                guard let endpoint = arch.endpoint(pe.endpoint.service, pe.endpoint.endpoint), let budget = endpoint.budgetMilliseconds else { continue }
                let holds = arch.sets.indices.allSatisfy { (normal.total(pe, origin: $0, serving: $0) ?? 0) <= budget.value + 1e-9 }
                guard holds else { continue }
                var worst: (Double, DomainID, Int, Int)?
                for domain in failures {
                    guard let serving = sim.servingAfter[domain]?[p] else { continue }
                    let model = context.latency(after: domain)
                    for origin in arch.sets.indices {
                        guard let t = serving[origin], let total = model.total(pe, origin: origin, serving: t) else { continue }
                        if total > budget.value + 1e-9, total > (worst?.0 ?? -1) { worst = (total, domain, origin, t) }
                    }
                }
                guard let (_, domain, origin, t) = worst,
                      let path = context.latency(after: domain).path(pe, origin: origin, serving: t) else { continue }
                reported.insert(pe.endpoint)
                let via = origin == t ? "still served by set \(arch.sets[t].name)" : "served by set \(arch.sets[t].name)"
                findings.append(Finding(
                    "after losing \(context.describe(domain)), \(pe.endpoint) for users of set \(arch.sets[origin].name) is \(via) at \(formatMilliseconds(path.total)), over its \(formatMilliseconds(budget.value)) budget",
                    at: budget.span, label: "budget \(formatMilliseconds(budget.value))",
                    notes: ["path after the failure: " + path.breakdown],
                    help: "keep a failover target near each set, or place voters so that a new leader is close",
                    subject: .endpoint(service: pe.endpoint.service, endpoint: pe.endpoint.endpoint)))
            }
            return RuleOutcome(findings: findings)
        })
}
