extension RuleRegistry {
    /// Rules that read declarations only (no placement or analysis).
    static let configurationRules: [Rule] = [
    ]
}
