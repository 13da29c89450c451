extension RuleRegistry {
    /// Rules over placed instances, the call graph and request paths.
    static let placementRules: [Rule] = [
    ]
}
