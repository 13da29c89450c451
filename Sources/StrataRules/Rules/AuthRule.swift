import StrataDiagnostics
import StrataModel

/// `auth`: a gateway with public routes and `auth none` or no `auth`.
enum AuthRule {
    static let rule = Rule(
        name: "auth", severity: .warning,
        title: "a gateway with public routes and no authentication",
        doc: """
        Fires for a gateway that has at least one `route` and either declares `auth none` or declares no `auth` at \
        all. Every endpoint behind such a gateway is reachable by anyone who can reach the gateway, and the services \
        behind it usually assume the caller was authenticated at the edge. Add `auth jwt` or `auth api-key`; when \
        anonymous access is really intended (public, read-only content), keep `auth none` and record why with \
        `allow auth "reason"` in the gateway.
        """,
        run: { context in
            var findings: [Finding] = []
            for gateway in context.architecture.gateways where !gateway.routes.isEmpty {
                let routes = ConfigurationSupport.count(gateway.routes.count, "route")
                let prefixes = gateway.routes.map { "\"\($0.prefix)\"" }.joined(separator: ", ")
                let help = "add `auth jwt` or `auth api-key`; if anonymous access is intended, say so with `allow auth \"reason\"` in the gateway"
                if let auth = gateway.auth {
                    guard auth.value == .none else { continue }
                    findings.append(Finding(
                        "gateway `\(gateway.name)` exposes \(routes) with `auth none`", at: auth.span, label: "no authentication",
                        notes: ["public routes: \(prefixes)", "anyone who can reach the gateway can call these endpoints"],
                        help: help, subject: .gateway(gateway.name)))
                } else {
                    findings.append(Finding(
                        "gateway `\(gateway.name)` exposes \(routes) and declares no `auth`", at: gateway.span, label: "no `auth`",
                        notes: ["public routes: \(prefixes)", "anyone who can reach the gateway can call these endpoints"],
                        help: help, subject: .gateway(gateway.name)))
                }
            }
            return RuleOutcome(findings: findings)
        })
}
