import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `idempotent-retry`: a route or call retries an endpoint that is not idempotent.
enum IdempotentRetryRule {
    static let rule = Rule(
        name: "idempotent-retry", severity: .warning,
        title: "retries on an endpoint that is not idempotent",
        doc: """
        Fires for a `call` with `retries` greater than 0 whose target endpoint is not idempotent, and for a gateway \
        route with `retries` for every endpoint it makes public that is not idempotent. An endpoint is idempotent \
        when its method is GET, HEAD, PUT, DELETE or OPTIONS, or when it is marked `idempotent`. A retry after a \
        timeout repeats a request that may already have succeeded, so a retried POST or PATCH can create a second \
        order or charge a card twice. Make the endpoint safe to repeat (an idempotency key, an upsert) and mark it \
        `idempotent`, or remove the retries.
        """,
        run: { context in
            let a = context.architecture
            var findings: [Finding] = []
            for gateway in a.gateways {
                for route in gateway.routes where route.retries > 0 {
                    guard let service = a.service(route.service) else { continue }
                    for e in service.endpoints where e.path.hasPrefix(route.prefix) && !ConfigurationSupport.isSafeToRetry(e) {
                        findings.append(Finding(
                            "route \"\(route.prefix)\" of gateway `\(gateway.name)` retries \(e.method.rawValue) \(service.name).\(e.name) "
                                + "\(retriesText(route.retries)), but it is not idempotent",
                            at: route.span, label: "retries \(route.retries)",
                            secondary: [Label(e.span, "\(e.method.rawValue) \"\(e.path)\", not marked `idempotent`")],
                            notes: [duplicateNote(e.method)],
                            help: "make \(service.name).\(e.name) safe to repeat and mark it `idempotent`, or drop `retries` from the route",
                            subject: .gateway(gateway.name)))
                    }
                }
            }
            for service in a.services {
                for caller in service.endpoints {
                    forEachStep(caller.steps) { step in
                        guard case .call(let call) = step, call.retries > 0,
                              let target = a.endpoint(call.service, call.endpoint), !ConfigurationSupport.isSafeToRetry(target) else { return }
                        findings.append(Finding(
                            "call from \(service.name).\(caller.name) retries \(target.method.rawValue) \(call.service).\(call.endpoint) "
                                + "\(retriesText(call.retries)), but it is not idempotent",
                            at: call.span, label: "retries \(call.retries)",
                            secondary: [Label(target.span, "\(target.method.rawValue) \"\(target.path)\", not marked `idempotent`")],
                            notes: [duplicateNote(target.method)],
                            help: "make \(call.service).\(call.endpoint) safe to repeat and mark it `idempotent`, or drop `retries` from the call",
                            subject: .endpoint(service: service.name, endpoint: caller.name)))
                    }
                }
            }
            return RuleOutcome(findings: findings)
        })

    private static func retriesText(_ n: Int) -> String { n == 1 ? "once" : "\(n) times" }

    private static func duplicateNote(_ method: HTTPMethod) -> String {
        "a retry after a timeout repeats a request that may already have succeeded; a repeated \(method.rawValue) "
            + "can apply its effect twice (a second order, a double charge). GET, HEAD, PUT, DELETE and OPTIONS are idempotent by definition"
    }
}
