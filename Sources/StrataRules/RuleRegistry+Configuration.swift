extension RuleRegistry {
    /// Rules that read declarations only (no placement or analysis).
    static let configurationRules: [Rule] = [
        QuorumSizeRule.rule,
        QuorumOverlapRule.rule,
        AsyncStrongRule.rule,
        RetryTimeoutRule.rule,
        IdempotentRetryRule.rule,
        RateLimitRule.rule,
        AuthRule.rule,
        AutoscaleRule.rule,
        StatefulScalingRule.rule,
        ShardCouplingRule.rule,
        CDNOverlapRule.rule,
        UnusedRule.rule,
    ]
}
