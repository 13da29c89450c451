import StrataDiagnostics
import StrataModel

/// `quorum-size`: a quorum store or registry has fewer than 3 voters, or an even number.
enum QuorumSizeRule {
    static let rule = Rule(
        name: "quorum-size", severity: .warning,
        title: "a quorum store or registry has fewer than 3 voters, or an even number",
        doc: """
        Fires for a store that needs a quorum (`consistency strong` or `replication sync`) and for the registry of \
        `discovery { mode registry }` when their voting replicas number fewer than 3, or an even number. A majority \
        of 1 or 2 voters survives no failure at all, and an even count tolerates no more failures than the odd count \
        below it (4 voters lose quorum after 2 failures, like 3) while adding write latency and the risk of an even \
        split. Use 3 voters, or 5 to survive two failures; for a store placed `per set` the count is per set.
        """,
        run: { context in
            let a = context.architecture
            var findings: [Finding] = []
            if let discovery = a.discovery, discovery.mode == .registry, let placement = discovery.placement {
                let instances = a.instances[ComponentID(.registry, "registry")] ?? []
                if let f = finding(for: "the registry", placement: placement, instances: instances,
                                   why: "`discovery { mode registry }` needs a live majority of registry members",
                                   subject: .discovery, architecture: a) {
                    findings.append(f)
                }
            }
            for store in a.stores where store.needsQuorum {
                let instances = a.instances[ComponentID(.store, store.name)] ?? []
                let why: String
                if store.consistency.value == .strong, store.consistency.span != store.span {
                    why = "`consistency strong` needs a majority of voters to commit and to read"
                } else if store.consistency.value == .strong {
                    why = "`replication sync` (which implies `consistency strong`) commits a write on a majority of voters"
                } else {
                    why = "`replication sync` commits a write on a majority of voters"
                }
                if let f = finding(for: "store `\(store.name)`", placement: store.placement, instances: instances, why: why,
                                   subject: .store(store.name), architecture: a) {
                    findings.append(f)
                }
            }
            return RuleOutcome(findings: findings)
        })

    private static func finding(for what: String, placement: Placement, instances: [Instance], why: String,
                                subject: Subject, architecture a: Architecture) -> Finding? {
        let n = placement.count
        guard n < 3 || n % 2 == 0 else { return nil }
        let majority = n / 2 + 1
        let perSet = placement.isStriped ? " per set" : ""
        let message = n < 3
            ? "\(what) needs a quorum but has only \(ConfigurationSupport.count(n, "voter"))\(perSet)"
            : "\(what) has an even number of voters (\(n)\(perSet))"
        var notes = [why]
        if n < 3 {
            notes.append("a majority of \(n) is \(majority): losing any one voter stops it")
        } else {
            notes.append("a majority of \(n) is \(majority), so it survives \(ConfigurationSupport.count(n - majority, "lost voter")), "
                + "as \(n - 1) voters would; the extra voter adds write latency and allows an even split")
        }
        var level = ConfigurationSupport.spreadLevel(a)
        if placement.isStriped, let first = instances.first?.set, a.sets.indices.contains(first) {
            // Inside one set, show the spread one level below the set's own domain at most.
            let set = a.sets[first]
            let below = DomainLevel(rawValue: a.topology[set.domain].level.rawValue - 1) ?? .machine
            level = min(level, below)
            let own = instances.filter { $0.set == first }
            notes.append("each set keeps its own \(ConfigurationSupport.count(n, "voter")); in set \(set.name), voters per \(level): "
                + ConfigurationSupport.spread(of: own, at: level, in: a.topology))
        } else if !instances.isEmpty {
            notes.append("voters per \(level): " + ConfigurationSupport.spread(of: instances, at: level, in: a.topology))
        }
        let suggestion = n < 3 ? 3 : n + 1
        return Finding(
            message, at: placement.span, label: ConfigurationSupport.count(n, "voter") + perSet, notes: notes,
            help: "use an odd number of at least 3 voters, e.g. `replicas \(suggestion) ...` (5 survives two failures)",
            subject: subject)
    }
}
