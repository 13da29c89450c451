import StrataDiagnostics
import StrataModel

/// `quorum-placement`: losing one domain at the `survive` level takes away a quorum store's (or the registry's) quorum.
enum QuorumPlacementRule {
    static let rule = Rule(
        name: "quorum-placement", severity: .error,
        title: "one failure domain holds enough voters to break a quorum",
        doc: """
        Fires when a quorum store (`consistency strong` or `replication sync`) or the registry keeps more than \
        N − q of its N voters in one domain of the architecture's `survive` level, where q is the quorum it needs: \
        the larger of the store's read and write quorums, or a majority (⌊N/2⌋+1) for the registry. A store placed \
        `per set` is checked within each set; a domain that holds a whole set is left to failover. Losing that one \
        domain leaves fewer than q live voters, so the store stops accepting writes (or reads) and the registry \
        stops resolving, even though the architecture claims to survive exactly that loss. Spread the voters so \
        that no domain of the `survive` level holds more than N − q of them (`replicas 3 across idc` over at least \
        three IDCs), add voters, or lower the quorum.
        """,
        run: { context in
            let architecture = context.architecture
            var findings: [Finding] = []
            if let discovery = architecture.discovery, discovery.mode == .registry, let placement = discovery.placement {
                let id = ComponentID(.registry, "registry")
                if let f = check(id, placement: placement, quorum: { $0 / 2 + 1 }, quorumText: { q, n in "a majority of \(n) voters is \(q)" },
                                 in: architecture) {
                    findings.append(f)
                }
            }
            for store in architecture.stores where store.needsQuorum {
                let q = max(store.readQuorum, store.writeQuorum)
                let id = ComponentID(.store, store.name)
                if let f = check(id, placement: store.placement, quorum: { _ in q },
                                 quorumText: { q, n in
                                     "reads need \(store.readQuorum) and writes \(store.writeQuorum) of the \(n) voters, so \(q) must stay live"
                                 }, in: architecture) {
                    findings.append(f)
                }
            }
            return RuleOutcome(findings: findings)
        })

    /// A voter group that loses its quorum with one domain.
    private struct Violation {
        let set: Int?
        let voters: Int
        let quorum: Int
        let domain: DomainID
        let inDomain: Int
        let counts: PlacementSupport.DomainCounts
    }

    /// Checks one component's voters (per set when striped); one finding for the first group that breaks.
    private static func check(_ id: ComponentID, placement: Placement, quorum: (Int) -> Int, quorumText: (Int, Int) -> String,
                              in architecture: Architecture) -> Finding? {
        let topology = architecture.topology
        let level = architecture.survive
        let instances = architecture.instances[id] ?? []
        let perSet = placement.isStriped && architecture.striping.declared
        var groups: [(set: Int?, voters: [Instance])] = []
        if perSet {
            var bySet = Array(repeating: [Instance](), count: architecture.sets.count)
            for i in instances { if let s = i.set, s < bySet.count { bySet[s].append(i) } }
            groups = bySet.enumerated().map { ($0.offset, $0.element) }
        } else {
            groups = [(nil, instances)]
        }
        var violations: [Violation] = []
        for (set, voters) in groups where !voters.isEmpty {
            let counts = PlacementSupport.DomainCounts(voters, at: level, in: topology)
            guard let largest = counts.largest else { continue }
            // Losing a domain that holds the whole set is the set's failover, not a placement the set could fix.
            if let set, PlacementSupport.losesWholeSet(largest.domain, architecture.sets[set], in: topology) { continue }
            let q = quorum(voters.count)
            if voters.count - largest.count < q {
                violations.append(Violation(set: set, voters: voters.count, quorum: q, domain: largest.domain,
                                            inDomain: largest.count, counts: counts))
            }
        }
        guard let v = violations.first else { return nil }

        let name = id.kind == .registry ? "the registry" : id.name
        let inSet = v.set.map { " in set \(architecture.sets[$0].name)" } ?? ""
        let left = v.voters - v.inDomain
        let domainName = topology[v.domain].name
        var notes = [
            "voters\(inSet) per \(level): \(v.counts.listing(topology))",
            quorumText(v.quorum, v.voters) + "; the architecture must survive the loss of any one \(level) (`survive \(level)`)",
        ]
        if violations.count > 1 {
            let others = violations.dropFirst().compactMap { $0.set.map { architecture.sets[$0].name } }
            notes.append("the same holds in \(PlacementSupport.count(others.count, "other set")): \(PlacementSupport.list(others))")
        }
        let tolerated = v.voters - v.quorum
        let help: String
        if tolerated == 0 {
            help = "a quorum of all \(v.voters) voters breaks with any loss; add voters (5 voters with a quorum of 3 survive losing 2) or lower the quorum"
        } else {
            let needed = (v.voters + tolerated - 1) / tolerated
            help = "spread the voters so that no \(level) holds more than \(tolerated) of them: at least \(needed) \(level.plural), "
                + "e.g. `replicas \(v.voters) across \(level)`"
        }
        return Finding(
            "\(v.inDomain) of \(v.voters) voters of \(name)\(inSet) sit in \(level) \(domainName); "
                + "losing it leaves \(left), below the quorum of \(v.quorum)",
            at: placement.span, label: "\(PlacementSupport.count(v.voters, "voter")) placed here",
            notes: notes, help: help, subject: PlacementSupport.subject(of: id))
    }
}
