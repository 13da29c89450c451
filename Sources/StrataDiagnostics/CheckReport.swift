/// Per-run rule configuration: `--disable RULE`, `--severity RULE=LEVEL`.
public struct CheckOptions: Sendable {
    public var disabled: Set<String>
    public var severities: [String: Severity]

    public init(disabled: Set<String> = [], severities: [String: Severity] = [:]) {
        self.disabled = disabled
        self.severities = severities
    }
}

/// A rule that did not (fully) run, and why.
public struct SkippedRule: Hashable, Sendable {
    public let rule: String
    public let reason: String

    public init(rule: String, reason: String) {
        self.rule = rule
        self.reason = reason
    }
}

/// What the checker's rules found in one architecture: what the report target, the
/// diagrams and every output format consume.
public struct CheckReport: Sendable {
    /// Findings as diagnostics, each with its ``Diagnostic/subject`` (suppressed ones carry
    /// their `allow` reason), plus compiler errors about `allow` statements naming unknown rules.
    public var diagnostics: [Diagnostic]
    public var skipped: [SkippedRule]
    /// Names of the rules that ran, in registry order.
    public var rulesRun: [String]

    public init(diagnostics: [Diagnostic], skipped: [SkippedRule], rulesRun: [String]) {
        self.diagnostics = diagnostics
        self.skipped = skipped
        self.rulesRun = rulesRun
    }
}
