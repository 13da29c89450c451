/// A checker rule that did not (fully) run on a spec, and why.
///
/// Renderers report every skip so that a rule which could not run never
/// reads as a pass: text as a `path: note: rule X skipped: reason` line,
/// JSON in its `skipped` array, SARIF as a tool execution notification,
/// GitHub as a notice and JUnit as a `<skipped>` test case.
public struct SkippedCheck: Hashable, Sendable {
    /// The rule's name; nil when no rule ran at all (the spec has errors).
    public let rule: String?
    /// Why, e.g. "no service declares both `capacity` and `load`".
    public let reason: String
    /// The spec the rule was skipped for, as given on the command line.
    public let file: String?

    /// Creates a skip notice.
    public init(rule: String?, reason: String, file: String?) {
        self.rule = rule
        self.reason = reason
        self.file = file
    }

    /// `rule failover-capacity skipped: reason`, or `rules skipped: reason` when no rule ran.
    public var message: String {
        (rule.map { "rule \($0) skipped" } ?? "rules skipped") + ": " + reason
    }

    /// The reasons of the skips concerning `file` (or no file), per rule (nil: every rule), in order.
    static func reasonsByRule(_ skips: [SkippedCheck], file: String) -> [String?: [String]] {
        var result: [String?: [String]] = [:]
        for skip in skips where skip.file == file || skip.file == nil {
            result[skip.rule, default: []].append(skip.reason)
        }
        return result
    }

    /// Number of distinct rules skipped somewhere (skips of every rule at once are not counted).
    static func distinctRules(_ skips: [SkippedCheck]) -> Int {
        Set(skips.compactMap(\.rule)).count
    }
}

/// How a run configured one rule: disabled (`--disable`) or given another severity (`--severity`).
/// SARIF records these as `ruleConfigurationOverrides`.
public struct RuleOverride: Hashable, Sendable {
    /// The rule's id.
    public let rule: String
    /// False when the rule was disabled.
    public let enabled: Bool
    /// The severity its findings were given instead of the default, if any.
    public let level: Severity?

    /// Creates an override.
    public init(rule: String, enabled: Bool, level: Severity? = nil) {
        self.rule = rule
        self.enabled = enabled
        self.level = level
    }
}
