import StrataDiagnostics
import StrataModel

/// `unused`: a service, store or gateway that nothing routes to, calls, reads or writes.
enum UnusedRule {
    static let rule = Rule(
        name: "unused", severity: .note,
        title: "a declared service, store or gateway that nothing uses",
        doc: """
        Fires for a service that no gateway route targets and no other service calls, a store that no endpoint \
        reads or writes, and a gateway with no routes. Such a component is still placed and deployed, costing \
        machines and operations, yet nothing reaches it: it is usually a leftover of a refactoring or \
        a missing `route` or `call`. Remove it, or add the route, call, read or write that was meant to use it; keep \
        a deliberately idle component with `allow unused "reason"`.
        """,
        run: { context in
            let a = context.architecture
            var routed: Set<String> = []
            for gateway in a.gateways { for route in gateway.routes { routed.insert(route.service) } }
            var called: Set<String> = []
            var accessed: Set<String> = []
            for service in a.services {
                for endpoint in service.endpoints {
                    forEachStep(endpoint.steps) { step in
                        switch step {
                        case .call(let call) where call.service != service.name: called.insert(call.service)
                        case .read(let access), .write(let access): accessed.insert(access.store)
                        default: break
                        }
                    }
                }
            }
            var findings: [Finding] = []
            for gateway in a.gateways where gateway.routes.isEmpty {
                findings.append(Finding(
                    "gateway `\(gateway.name)` has no routes", at: gateway.span, label: "routes nothing",
                    notes: ["it is still deployed (\(ConfigurationSupport.count(gateway.placement.count, "replica"))\(gateway.placement.isStriped ? " per set" : "")) but makes no endpoint public"],
                    help: "add a `route \"/prefix\" -> service`, or remove the gateway",
                    subject: .gateway(gateway.name)))
            }
            for service in a.services where !routed.contains(service.name) && !called.contains(service.name) {
                findings.append(Finding(
                    "service `\(service.name)` is never used: no route targets it and no other service calls it",
                    at: service.span, label: "unreachable",
                    notes: ["it is still placed and deployed, costing machines and operations, but serves no request"],
                    help: "route to it from a gateway, call it from another service, or remove it",
                    subject: .service(service.name)))
            }
            for store in a.stores where !accessed.contains(store.name) {
                findings.append(Finding(
                    "store `\(store.name)` is never used: no endpoint reads or writes it",
                    at: store.span, label: "never read or written",
                    notes: ["it is still placed and deployed, costing machines and operations, but serves no request"],
                    help: "add a `read \(store.name)` or `write \(store.name)` step where it is meant to be used, or remove it",
                    subject: .store(store.name)))
            }
            return RuleOutcome(findings: findings)
        })
}
