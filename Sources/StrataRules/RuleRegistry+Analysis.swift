extension RuleRegistry {
    /// Rules driven by the failure simulation, latency and availability models.
    static let analysisRules: [Rule] = [
        CallCycleRule.rule,
    ]
}
