import StrataDiagnostics

/// `--disable RULE` and `--severity RULE=LEVEL`, validated against the rule registry.
public struct RuleSettings: Sendable {
    /// Rules not to run.
    public var disabled: Set<String> = []
    /// Severity overrides by rule.
    public var severities: [String: Severity] = [:]

    /// Settings from rule ids already validated (``parse(disable:severity:)`` validates option values).
    public init(disabled: Set<String> = [], severities: [String: Severity] = [:]) {
        self.disabled = disabled
        self.severities = severities
    }

    /// The checker's options.
    public var options: CheckOptions { CheckOptions(disabled: disabled, severities: severities) }

    /// The overrides as SARIF records them, in rule registry order.
    public var overrides: [RuleOverride] {
        Pipeline.rules.compactMap { rule in
            if disabled.contains(rule.id) { return RuleOverride(rule: rule.id, enabled: false) }
            if let level = severities[rule.id] { return RuleOverride(rule: rule.id, enabled: true, level: level) }
            return nil
        }
    }

    /// Parses the option values; a usage error names the mistake and, for a typo, the rule meant.
    public static func parse(disable: [String], severity: [String]) throws(UsageError) -> RuleSettings {
        var settings = RuleSettings()
        for name in disable {
            settings.disabled.insert(try rule(named: name, option: "--disable"))
        }
        for entry in severity {
            guard let equals = entry.firstIndex(of: "=") else {
                throw UsageError("--severity \(entry) must be RULE=LEVEL, e.g. '--severity fanout-tail=note'")
            }
            let name = try rule(named: String(entry[..<equals]), option: "--severity")
            let value = String(entry[entry.index(after: equals)...])
            guard let level = Severity(rawValue: value.lowercased()) else {
                throw UsageError("--severity \(entry): '\(value)' is not a level (use one of: error, warning, note)")
            }
            if let earlier = settings.severities[name], earlier != level {
                throw UsageError("--severity gives \(name) two levels, \(earlier.rawValue) and \(level.rawValue)")
            }
            settings.severities[name] = level
        }
        return settings
    }

    /// The rule called `name`, or a usage error with a suggestion.
    public static func rule(named name: String, option: String) throws(UsageError) -> String {
        let rules = Pipeline.rules
        if let rule = rules.first(where: { $0.id == name.lowercased() }) { return rule.id }
        if let code = RuleDescriptor.lookup(name, in: RuleDescriptor.catalogue) {
            throw UsageError("\(option) \(name): \(code.id) \(code.name) is a compiler diagnostic, not a rule; compiler errors cannot be disabled or lowered")
        }
        var message = "\(option) \(name): no rule is called '\(name)'"
        if let guess = RuleExplanation.closestMatch(to: name, in: rules) { message += "; did you mean '\(guess)'?" }
        throw UsageError(message + " ('strata explain --list' lists the rules)")
    }
}
