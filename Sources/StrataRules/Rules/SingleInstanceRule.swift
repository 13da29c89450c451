import StrataAnalysis
import StrataModel

/// `single-instance`: a hard dependency of a public endpoint has fewer than two instances.
enum SingleInstanceRule {
    static let rule = Rule(
        name: "single-instance", severity: .error,
        title: "a hard dependency of a public endpoint runs as a single instance",
        doc: """
        Fires when a component that a public endpoint cannot be served without has fewer than two instances: \
        per set when it is placed `per set`, in total otherwise. The hard dependencies of a public endpoint are the \
        gateway of its route, the routed service, every service it reaches through calls that are neither \
        `optional` nor `async` (recursively), every store those endpoints read or write, and the registry under \
        `discovery mode registry`. A single instance is a single point of failure: one machine failure, deploy or \
        restart takes every request on that path down, whatever the rest of the architecture survives. Place at \
        least two instances in distinct failure domains (`replicas 2 per set`, `replicas 3 across idc`), or make \
        the call that reaches the component `optional` or `async` if the request can do without it.
        """,
        run: { context in
            let architecture = context.architecture
            let dependencies = PlacementSupport.HardDependencies(architecture, graph: context.callGraph)
            var findings: [Finding] = []
            for id in dependencies.witnesses.keys.sorted() {
                guard let placement = architecture.placement(of: id), let witness = dependencies.witnesses[id] else { continue }
                let instances = architecture.instances[id] ?? []
                let perSet = placement.isStriped && architecture.striping.declared
                let count: Int
                if perSet {
                    var bySet = Array(repeating: 0, count: architecture.sets.count)
                    for i in instances { if let s = i.set, s < bySet.count { bySet[s] += 1 } }
                    count = bySet.min() ?? 0
                } else {
                    count = instances.count
                }
                guard count < 2 else { continue }
                let scope = perSet ? "per set" : "in total"
                let path = dependencies.path(of: witness)
                let example = id.kind == .registry ? "`replicas 3 across idc`"
                    : placement.isStriped ? "`replicas 2 per set`" : "`replicas 2 across idc`"
                findings.append(Finding(
                    "\(PlacementSupport.describe(id)) has \(PlacementSupport.count(count, "instance")) \(scope) "
                        + "but every request on a public path needs it",
                    at: placement.span, label: "\(PlacementSupport.count(count, "instance")) \(scope)",
                    notes: [
                        "public path: \(path); \(dependencies.need(of: witness))",
                        "one failure of the machine it runs on fails every request on this path",
                    ],
                    help: "place at least 2 instances in distinct failure domains, e.g. \(example)",
                    subject: PlacementSupport.subject(of: id)))
            }
            return RuleOutcome(findings: findings)
        })
}
