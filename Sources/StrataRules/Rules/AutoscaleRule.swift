import StrataDiagnostics
import StrataModel

/// `autoscale`: a `scale` range with a minimum under 2 or a maximum not above the minimum.
enum AutoscaleRule {
    static let rule = Rule(
        name: "autoscale", severity: .warning,
        title: "an autoscaling range that drops to one instance or cannot grow",
        doc: """
        Fires for a service whose `scale MIN..MAX` has MIN below 2 or MAX not above MIN. The minimum is what runs \
        when load is low (and what the failure analysis places), so a minimum of 1 is a single point of failure \
        exactly when nobody is watching; a maximum equal to the minimum never scales, so the statement promises \
        elasticity it does not have. Raise the minimum to at least 2 (per set for `per set` scaling), and give the \
        maximum room above it, or use a fixed `replicas N` instead.
        """,
        run: { context in
            var findings: [Finding] = []
            for service in context.architecture.services {
                guard let scale = service.autoscale else { continue }
                let lowMin = scale.min < 2, noRoom = scale.max <= scale.min
                guard lowMin || noRoom else { continue }
                let range = "`scale \(scale.min)..\(scale.max)`"
                let perSet = service.placement.isStriped ? " per set" : ""
                var problems: [String] = []
                var notes: [String] = []
                var fixes: [String] = []
                if lowMin {
                    problems.append("scales down to \(ConfigurationSupport.count(scale.min, "instance"))\(perSet)")
                    notes.append("at low load a single instance\(perSet) is a single point of failure: losing its machine takes the service down until a replacement starts")
                    fixes.append("raise the minimum to at least 2")
                }
                if noRoom {
                    problems.append("can never grow (the maximum \(scale.max) does not exceed the minimum \(scale.min))")
                    notes.append("with MAX ≤ MIN the autoscaler has nothing to do: the service always runs \(scale.min) instance\(scale.min == 1 ? "" : "s")\(perSet)")
                    fixes.append("give the maximum room above the minimum, or use a fixed `replicas N`")
                }
                let suggestedMin = max(2, scale.min)
                let suggestedMax = max(scale.max, suggestedMin * 2)
                findings.append(Finding(
                    "service `\(service.name)` \(problems.joined(separator: " and ")) with \(range)",
                    at: scale.span, label: range, notes: notes,
                    help: fixes.joined(separator: "; ") + ", e.g. `scale \(suggestedMin)..\(suggestedMax)`",
                    subject: .service(service.name)))
            }
            return RuleOutcome(findings: findings)
        })
}
