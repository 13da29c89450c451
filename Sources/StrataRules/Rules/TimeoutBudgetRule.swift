import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `timeout-budget`: a call's or route's per-attempt timeout is below the callee's p99.
enum TimeoutBudgetRule {
    static let rule = Rule(
        name: "timeout-budget", severity: .error,
        title: "a timeout is shorter than the p99 latency of what it waits for",
        doc: """
        Compares each call's per-attempt `timeout` (1s when not written) with what the caller waits for in some \
        set: the RTT to the callee plus the callee endpoint's p99 critical path; and each route's `timeout` with \
        the p99 of every endpoint the route exposes, measured from the gateway. A timeout below that p99 fires in \
        normal operation, on at least 1% of requests, turning slow successes into failures and, with retries, \
        into extra load. Fix it by raising the timeout above the callee's p99 (and the caller's budget with it) \
        or by making the callee faster.
        """,
        run: { context in
            let arch = context.architecture
            let graph = context.callGraph
            guard graph.isAcyclic else { return RuleOutcome(skipped: ["the call graph has a cycle (see call-cycle)"]) }
            let model = context.latency()
            let d = context.deployment
            var findings: [Finding] = []
            for service in arch.services {
                guard let svc = d.index(of: ComponentID(.service, service.name)) else { continue }
                for endpoint in service.endpoints {
                    forEachStep(endpoint.steps) { step in
                        guard case .call(let call) = step else { return }
                        var worst: (Double, Int)?
                        for set in arch.sets.indices {
                            guard let caller = model.nearestLive(svc, from: nil, set: set),
                                  let cost = model.callCost(call, from: caller.machine, set: set) else { continue }
                            if cost > call.timeoutMilliseconds + 1e-9, cost > (worst?.0 ?? -1) { worst = (cost, set) }
                        }
                        guard let (cost, set) = worst else { return }
                        let timeout = formatMilliseconds(call.timeoutMilliseconds) + (call.timeoutDeclared ? "" : " (default)")
                        findings.append(Finding(
                            "call \(call.service).\(call.endpoint) from \(service.name).\(endpoint.name) times out in normal operation: its \(timeout) timeout is below the \(formatMilliseconds(cost)) it waits for in set \(arch.sets[set].name)",
                            at: call.span, label: "timeout \(timeout)",
                            notes: ["the wait is the RTT to the callee plus \(call.service).\(call.endpoint)'s p99 critical path"],
                            help: "raise the timeout above \(formatMilliseconds(cost)), or make \(call.service).\(call.endpoint) faster",
                            subject: .endpoint(service: service.name, endpoint: endpoint.name)))
                    }
                }
            }
            for gateway in arch.gateways {
                for route in gateway.routes {
                    guard let timeout = route.timeoutMilliseconds else { continue }
                    var worst: (Double, EndpointID, Int)?
                    for pe in graph.publicEndpoints where pe.gateway == gateway.name && pe.route.prefix == route.prefix {
                        for set in arch.sets.indices {
                            guard let total = model.total(pe, origin: set, serving: set) else { continue }
                            let wait = total - LatencyModel.gatewayHop
                            if wait > timeout + 1e-9, wait > (worst?.0 ?? -1) { worst = (wait, pe.endpoint, set) }
                        }
                    }
                    guard let (wait, endpoint, set) = worst else { continue }
                    findings.append(Finding(
                        "route \"\(route.prefix)\" of gateway \(gateway.name) times out in normal operation: its \(formatMilliseconds(timeout)) timeout is below the \(formatMilliseconds(wait)) p99 of \(endpoint) in set \(arch.sets[set].name)",
                        at: route.span, label: "timeout \(formatMilliseconds(timeout))",
                        help: "raise the route's timeout above \(formatMilliseconds(wait))",
                        subject: .gateway(gateway.name)))
                }
            }
            return RuleOutcome(findings: findings)
        })
}
