import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `slo`: an endpoint's estimated availability is below its SLO.
enum SLORule {
    /// Minutes in the 30-day month used for downtime figures.
    static let minutesPerMonth = 30.0 * 24 * 60

    static let rule = Rule(
        name: "slo", severity: .error,
        title: "an endpoint's estimated availability is below its SLO",
        doc: """
        Estimates the availability of every public endpoint for the users of each set from the per-level domain \
        availabilities (topology `availability`, with defaults): each component exactly over the failure-domain \
        tree (redundant instances in distinct domains combine as 1−∏(1−a), quorums as k-of-n), hard dependencies \
        multiplied, sets combined when `failover nearest` lets any set serve, and the result bounded by the \
        domains every set shares (e.g. one region). It is an estimate, not an exact figure. The finding names \
        the bottleneck and the downtime per month the SLO allows against the estimate. Fix it by adding \
        redundancy to the bottleneck, spreading sets over more domains, or relaxing the SLO if it was aspirational.
        """,
        run: { context in
            let arch = context.architecture
            let model = context.availability
            guard model.isComplete else { return RuleOutcome(skipped: ["the call graph has a cycle (see call-cycle)"]) }
            let anySLO = arch.slo != nil || arch.services.contains { $0.endpoints.contains { $0.slo != nil } }
            guard anySLO else { return RuleOutcome(skipped: ["no `slo` is declared, for the architecture or any endpoint"]) }
            var findings: [Finding] = []
            var seen: Set<EndpointID> = []
            for (p, pe) in context.callGraph.publicEndpoints.enumerated() where !seen.contains(pe.endpoint) {
                guard let endpoint = arch.endpoint(pe.endpoint.service, pe.endpoint.endpoint),
                      let target = endpoint.slo ?? arch.slo, p < model.estimates.count else { continue }
                guard let (origin, estimate) = model.estimates[p].enumerated().min(by: { $0.element.availability < $1.element.availability }),
                      estimate.availability < target.value else { continue }
                seen.insert(pe.endpoint)
                let allowed = (1 - target.value) * minutesPerMonth
                let expected = (1 - estimate.availability) * minutesPerMonth
                findings.append(Finding(
                    "\(pe.endpoint) (\(endpoint.method.rawValue) \(endpoint.path)) is estimated at \(percent(estimate.availability)) for set \(arch.sets[origin].name), below its \(percent(target.value)) SLO; bottleneck: \(estimate.bottleneck)",
                    at: endpoint.span, label: "below SLO", secondary: [Label(target.span, "SLO set here")],
                    notes: [
                        "the SLO allows \(String(format: "%.1f", allowed)) min of downtime per month; the estimate gives \(String(format: "%.1f", expected)) min",
                        AvailabilityModel.method,
                    ],
                    help: "add redundancy to the bottleneck, spread sets over more domains, or relax the SLO",
                    subject: .endpoint(service: pe.endpoint.service, endpoint: pe.endpoint.endpoint)))
            }
            return RuleOutcome(findings: findings)
        })
}
