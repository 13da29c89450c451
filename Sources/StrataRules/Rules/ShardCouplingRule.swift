import StrataDiagnostics
import StrataModel

/// `shard-coupling`: a sharded store placed per set without a `proxy`.
enum ShardCouplingRule {
    static let rule = Rule(
        name: "shard-coupling", severity: .warning,
        title: "a sharded store placed per set without a data proxy",
        doc: """
        Fires for a store with `shards` placed `per set` that has no `proxy`. Each set then holds its own slice of \
        the shards and services reach them directly, so the shard map is tied to the set layout: adding, removing or \
        splitting a set forces resharding the data and redeploying every client. Add `proxy` so shards are reached \
        through a data proxy that decouples them from sets, or place the store `across LEVEL` so it is shared by all sets.
        """,
        run: { context in
            var findings: [Finding] = []
            for store in context.architecture.stores where store.placement.isStriped && !store.proxy {
                guard let shards = store.shards else { continue }
                let key = store.shardKey.map { " by \"\($0)\"" } ?? ""
                findings.append(Finding(
                    "store `\(store.name)` has \(ConfigurationSupport.count(shards, "shard"))\(key) placed `per set` without a `proxy`",
                    at: store.placement.span, label: "placed per set",
                    secondary: [Label(store.span, "sharded store")],
                    notes: ["the shards are tied to the set layout: adding, removing or splitting a set forces resharding the data and reconfiguring every client"],
                    help: "add `proxy` so shards are reached through a data proxy, or place the store `across LEVEL` to share it between sets",
                    subject: .store(store.name)))
            }
            return RuleOutcome(findings: findings)
        })
}
