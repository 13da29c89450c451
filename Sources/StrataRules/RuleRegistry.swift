/// Every checker rule, in the order of checks.md.
public enum RuleRegistry {
    /// Rule names in the order of the rules table of checks.md; `all` follows it.
    static let order = [
        "single-instance", "survival", "quorum-placement", "quorum-size", "stripe-escape", "failover-capacity",
        "quorum-overlap", "async-strong", "stale-read", "partition-availability", "latency-budget", "failover-latency",
        "timeout-budget", "retry-timeout", "retry-amplification", "idempotent-retry", "fanout-tail", "slo", "call-cycle",
        "rate-limit", "auth", "autoscale", "stateful-scaling", "shard-coupling", "cdn-overlap", "unused",
    ]

    /// Every rule, ordered as in checks.md.
    public static let all: [Rule] = {
        let rules = configurationRules + placementRules + analysisRules
        return rules.sorted { (order.firstIndex(of: $0.name) ?? order.count, $0.name) < (order.firstIndex(of: $1.name) ?? order.count, $1.name) }
    }()

    /// Looks a rule up by name.
    public static func rule(named name: String) -> Rule? { all.first { $0.name == name } }
}
