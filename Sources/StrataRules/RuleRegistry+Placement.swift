extension RuleRegistry {
    /// Rules over placed instances, the call graph and request paths.
    static let placementRules: [Rule] = [
        SingleInstanceRule.rule,
        QuorumPlacementRule.rule,
        StripeEscapeRule.rule,
        FailoverCapacityRule.rule,
        StaleReadRule.rule,
        PartitionAvailabilityRule.rule,
        RetryAmplificationRule.rule,
        FanoutTailRule.rule,
    ]
}
