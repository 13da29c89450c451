import StrataDiagnostics
import StrataModel

/// `stateful-scaling`: a stateful service autoscales with no `key` to partition its state by.
enum StatefulScalingRule {
    static let rule = Rule(
        name: "stateful-scaling", severity: .warning,
        title: "a stateful service autoscales with no key to partition its state",
        doc: """
        Fires for a `stateful` service that declares `scale MIN..MAX` but no `key`. Each time the autoscaler adds or \
        removes an instance, requests are spread anew, and without a key to route by, the next request of a session \
        can land on an instance that does not hold its state. Add `key "header"` so requests with the same key reach \
        the same instance (and scaling moves only the keys of the changed instance), or move the state into a store \
        and make the service stateless.
        """,
        run: { context in
            var findings: [Finding] = []
            for service in context.architecture.services where service.stateful && service.key == nil {
                guard let scale = service.autoscale else { continue }
                findings.append(Finding(
                    "stateful service `\(service.name)` autoscales (`scale \(scale.min)..\(scale.max)`) but declares no `key` to partition its state by",
                    at: scale.span, label: "instances come and go",
                    secondary: [Label(service.span, "stateful service")],
                    notes: ["when an instance is added or removed, requests are spread anew; without a key, a request can reach an instance that does not hold its state"],
                    help: "add `key \"x-user-id\"` (the header that identifies the state), or keep the state in a store and make the service stateless",
                    subject: .service(service.name)))
            }
            return RuleOutcome(findings: findings)
        })
}
