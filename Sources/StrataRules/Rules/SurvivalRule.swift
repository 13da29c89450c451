import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `survival`: losing one domain at or below `survive` leaves a public endpoint unserved.
enum SurvivalRule {
    static let rule = Rule(
        name: "survival", severity: .error,
        title: "losing one failure domain leaves a public endpoint unserved",
        doc: """
        Simulates the loss of every single domain at every level up to the architecture's `survive` level \
        (machine, rack, idc, city, region) — all of them, not a sample — and checks that each public endpoint is \
        still served for the users of every set: by their own set, or by the nearest surviving set when \
        `failover nearest` is on. An endpoint is served when a gateway instance with its route is alive, its \
        service has a live instance, every hard call (not `optional` or `async`) is served recursively, and every \
        store it reads or writes keeps a live quorum (strong consistency or sync replication) or one live replica. \
        The finding names the smallest domain that breaks the endpoint and the component that broke it. A lost \
        registry quorum is reported on its own: the control plane is down even if traffic still flows. Fix it by \
        spreading the culprit over more domains of the `survive` level, or by enabling set failover.
        """,
        run: { context in
            let sim = context.simulation
            guard sim.isComplete else {
                return RuleOutcome(skipped: ["the call graph has a cycle (see call-cycle); the failure simulation needs an acyclic graph"])
            }
            let arch = context.architecture
            var findings: [Finding] = []
            var seen: Set<String> = []
            for (p, pe) in context.callGraph.publicEndpoints.enumerated() {
                guard let b = sim.firstBreak[p], let endpoint = arch.endpoint(pe.endpoint.service, pe.endpoint.endpoint) else { continue }
                guard seen.insert("\(pe.endpoint)|\(pe.gateway)").inserted else { continue }
                let domain = arch.topology[b.domain]
                var secondary: [Label] = []
                if let span = context.placementSpan(b.culprit) { secondary.append(Label(span, "\(b.culprit) placed here")) }
                let survive = arch.survive
                let help: String
                switch b.culprit.kind {
                case .store:
                    help = "spread the voters of \(b.culprit.name) over more \(survive.plural), so that losing any one \(survive) leaves a quorum"
                default:
                    help = arch.striping.failover == .none
                        ? "place \(b.culprit.name) so that losing any one \(survive) leaves an instance, or enable `failover nearest`"
                        : "place \(b.culprit.name) so that losing any one \(survive) leaves an instance that can serve"
                }
                findings.append(Finding(
                    "losing \(context.describe(b.domain)) leaves \(pe.endpoint) (\(endpoint.method.rawValue) \(endpoint.path)) unserved for set \(arch.sets[b.originSet].name): \(b.reason)",
                    at: endpoint.span, label: "unserved after losing \(domain.name)", secondary: secondary,
                    notes: ["simulated \(sim.failures.count) single-domain failures up to `survive \(arch.survive)`; this is the smallest that breaks it"],
                    help: help, subject: .endpoint(service: pe.endpoint.service, endpoint: pe.endpoint.endpoint)))
            }
            if let r = sim.registryBreaks.first, let discovery = arch.discovery {
                findings.append(Finding(
                    "losing \(context.describe(r.domain)) leaves the registry with \(r.live) of \(r.voters) members, below its quorum of \(r.needed): the control plane is down",
                    at: discovery.placement?.span ?? discovery.span, label: "registry placed here",
                    notes: ["services cannot register or discover instances until the quorum returns"],
                    help: "spread the registry over more \(arch.survive.plural), so that no single \(arch.survive) holds a majority of its members",
                    subject: .discovery))
            }
            return RuleOutcome(findings: findings)
        })
}
