/// Every checker rule, in the order of checks.md.
public enum RuleRegistry {
    public static let all: [Rule] = [
        CallCycleRule.rule,
    ]

    /// Looks a rule up by name.
    public static func rule(named name: String) -> Rule? { all.first { $0.name == name } }
}
