import StrataDiagnostics
import StrataModel

/// `rate-limit`: a gateway with public routes and no `rate-limit`.
enum RateLimitRule {
    static let rule = Rule(
        name: "rate-limit", severity: .warning,
        title: "a gateway with public routes and no rate limit",
        doc: """
        Fires for a gateway that has at least one `route` but no `rate-limit`. Without a limit, a traffic spike, a \
        misbehaving client or a retry storm passes straight through to the services and stores behind the gateway, \
        which then fail together instead of shedding the excess at the edge. Add `rate-limit 2000/s` (per gateway \
        instance) sized to what the services behind it can serve.
        """,
        run: { context in
            var findings: [Finding] = []
            for gateway in context.architecture.gateways where !gateway.routes.isEmpty && gateway.rateLimitPerSecond == nil {
                let routes = gateway.routes.map { "\"\($0.prefix)\"" }.joined(separator: ", ")
                findings.append(Finding(
                    "gateway `\(gateway.name)` exposes \(ConfigurationSupport.count(gateway.routes.count, "route")) with no `rate-limit`",
                    at: gateway.span, label: "no `rate-limit`",
                    notes: ["public routes: \(routes)",
                            "without a limit, a spike or a retry storm reaches the services behind the gateway unthrottled"],
                    help: "add `rate-limit 2000/s` (per gateway instance), sized to what the services behind it can serve",
                    subject: .gateway(gateway.name)))
            }
            return RuleOutcome(findings: findings)
        })
}
