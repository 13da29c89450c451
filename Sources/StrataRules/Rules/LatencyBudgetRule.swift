import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `latency-budget`: an endpoint's p99 critical path exceeds its budget in some set.
enum LatencyBudgetRule {
    static let rule = Rule(
        name: "latency-budget", severity: .error,
        title: "an endpoint's p99 critical path exceeds its budget",
        doc: """
        Computes each endpoint's p99 critical path, measured at the gateway, in every set: the gateway hop \
        (0.5ms) and the RTT to the serving instance, then `work`, each step in order and the slowest branch of \
        each `parallel`. A call costs the RTT to the callee (in the same set when the callee is striped, else its \
        nearest instance) plus the callee's own path; a read costs the RTT to the nearest replica (local reads and \
        non-strong stores) or to the leader; a write costs the RTT to the leader plus, for sync replication, the \
        RTT from the leader to its q-th nearest voter. Async calls cost nothing. p99 figures are added along the \
        path, which is a documented, conservative approximation. The finding shows every hop's cost. Fix it by \
        moving the data closer (local reads, leader placement), running independent calls in `parallel`, or \
        raising the budget if it was wrong.
        """,
        run: { context in
            let arch = context.architecture
            let graph = context.callGraph
            guard graph.isAcyclic else { return RuleOutcome(skipped: ["the call graph has a cycle (see call-cycle)"]) }
            let model = context.latency()
            var findings: [Finding] = []
            var publicIndex: [EndpointID: PublicEndpoint] = [:]
            for pe in graph.publicEndpoints where publicIndex[pe.endpoint] == nil { publicIndex[pe.endpoint] = pe }
            for service in arch.services {
                for endpoint in service.endpoints {
                    guard let budget = endpoint.budgetMilliseconds else { continue }
                    let id = EndpointID(service.name, endpoint.name)
                    func latency(_ set: Int, explain: Bool) -> LatencyPath? {
                        if let pe = publicIndex[id] { return model.path(pe, origin: set, serving: set, explain: explain) }
                        if let e = graph.indexOf[id] { return model.internalPath(endpoint: e, set: set, explain: explain) }
                        return nil
                    }
                    var worst: (Double, Int)?
                    for set in arch.sets.indices {
                        if let total = latency(set, explain: false)?.total, total > budget.value + 1e-9, total > (worst?.0 ?? -1) { worst = (total, set) }
                    }
                    guard let (_, set) = worst, let path = latency(set, explain: true) else { continue }
                    let measured = publicIndex[id] != nil ? "measured at the gateway" : "measured at the service (not public)"
                    findings.append(Finding(
                        "\(id) has a p99 of \(formatMilliseconds(path.total)) in set \(arch.sets[set].name), over its \(formatMilliseconds(budget.value)) budget",
                        at: budget.span, label: "budget \(formatMilliseconds(budget.value))",
                        notes: ["path (\(measured)): " + path.breakdown],
                        help: "move data closer (e.g. `read STORE local`), run independent calls in `parallel`, or revisit the budget",
                        subject: .endpoint(service: service.name, endpoint: endpoint.name)))
                }
            }
            return RuleOutcome(findings: findings)
        })
}
