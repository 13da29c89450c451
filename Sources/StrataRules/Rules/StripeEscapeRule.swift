import StrataModel

/// `stripe-escape`: a striped service hard-calls a shared one.
enum StripeEscapeRule {
    static let rule = Rule(
        name: "stripe-escape", severity: .warning,
        title: "a striped service hard-calls a shared service",
        doc: """
        Fires on a call that is neither `optional` nor `async` from a service placed `per set` to a service that is \
        not (placed `across` a level or `in` a domain), when the architecture has more than one set. Sets exist to \
        isolate traffic: a failure, overload or bad deploy in one set should stay there. A shared callee on a hard \
        path couples every set to it again, so one incident takes all sets down at once, and every set's latency \
        includes the trip to wherever the shared instances run. Place the callee `per set` too, or make the call \
        `optional` or `async` if the request can do without it.
        """,
        run: { context in
            let architecture = context.architecture
            guard architecture.sets.count > 1 else { return RuleOutcome() }
            var findings: [Finding] = []
            for service in architecture.services where service.placement.isStriped {
                for endpoint in service.endpoints {
                    forEachStep(endpoint.steps) { step in
                        guard case .call(let call) = step, call.isHard,
                              let callee = architecture.service(call.service), !callee.placement.isStriped else { return }
                        let placed = PlacementSupport.describe(callee.placement, in: architecture.topology)
                        findings.append(Finding(
                            "striped service \(service.name) hard-calls shared service \(callee.name) (\(call.service).\(call.endpoint)), "
                                + "coupling the \(architecture.sets.count) sets",
                            at: call.span, label: "hard call to a shared service",
                            notes: [
                                "\(service.name) runs per set; \(callee.name) runs \(placed) and serves every set",
                                "a failure or overload of \(callee.name) reaches every set at once, which striping exists to prevent",
                            ],
                            help: "place \(callee.name) `per set` too, or make the call `optional` or `async`",
                            subject: .endpoint(service: service.name, endpoint: endpoint.name)))
                    }
                }
            }
            return RuleOutcome(findings: findings)
        })
}
