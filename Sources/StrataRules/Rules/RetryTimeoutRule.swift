import StrataDiagnostics
import StrataModel

/// `retry-timeout`: a call's attempts cannot fit in its caller's budget.
enum RetryTimeoutRule {
    static let rule = Rule(
        name: "retry-timeout", severity: .warning,
        title: "a call's retries cannot finish within its caller's budget",
        doc: """
        Fires for a `call` inside an endpoint with a `budget` when (retries + 1) × timeout exceeds that budget; the \
        timeout is per attempt and defaults to 1s. By the time the later attempts would run, the caller has already \
        given up, so those retries only add load to a callee that is probably struggling. `async` calls are exempt \
        (they are off the caller's critical path), and so are gateway routes (no caller budget). Lower the timeout to \
        at most budget ÷ attempts, reduce `retries`, or raise the budget if the endpoint can really wait that long.
        """,
        run: { context in
            var findings: [Finding] = []
            for service in context.architecture.services {
                for endpoint in service.endpoints {
                    guard let budget = endpoint.budgetMilliseconds else { continue }
                    forEachStep(endpoint.steps) { step in
                        guard case .call(let call) = step, !call.async else { return }
                        let attempts = call.retries + 1
                        let total = Double(attempts) * call.timeoutMilliseconds
                        guard total > budget.value + 1e-9 else { return }
                        let d = ConfigurationSupport.duration
                        let owner = "\(service.name).\(endpoint.name)"
                        var notes = ["every attempt may wait the full timeout; once \(d(budget.value)) have passed, \(owner) has "
                            + "already failed its request, so the remaining attempts only add load to \(call.service).\(call.endpoint)"]
                        if !call.timeoutDeclared {
                            notes.append("the call declares no `timeout`; the default is \(d(call.timeoutMilliseconds)) per attempt")
                        }
                        let fitting = budget.value / Double(attempts)
                        let help = fitting >= 0.001
                            ? "give the call `timeout \(d((fitting * 1000).rounded(.down) / 1000))` or less, reduce `retries`, or raise the budget"
                            : "reduce `retries`, or raise the budget"
                        findings.append(Finding(
                            "call to \(call.service).\(call.endpoint): \(ConfigurationSupport.count(attempts, "attempt")) × "
                                + "\(d(call.timeoutMilliseconds)) = \(d(total)) exceeds the \(d(budget.value)) budget of \(owner)",
                            at: call.span, label: "\(d(total)) of attempts", secondary: [Label(budget.span, "budget \(d(budget.value))")],
                            notes: notes, help: help,
                            subject: .endpoint(service: service.name, endpoint: endpoint.name)))
                    }
                }
            }
            return RuleOutcome(findings: findings)
        })
}
