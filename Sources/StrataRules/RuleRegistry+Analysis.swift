extension RuleRegistry {
    /// Rules driven by the failure simulation, latency and availability models.
    static let analysisRules: [Rule] = [
        SurvivalRule.rule,
        LatencyBudgetRule.rule,
        FailoverLatencyRule.rule,
        TimeoutBudgetRule.rule,
        SLORule.rule,
        CallCycleRule.rule,
    ]
}
