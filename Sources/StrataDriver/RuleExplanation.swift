import StrataDiagnostics

/// What `strata explain` prints: one code or rule explained, or every one listed.
public enum RuleExplanation {
    /// Lines wrapped to fit a terminal.
    public static let lineWidth = 80

    /// `E0103 unterminated-string: title`, the severity, the explanation and help, wrapped.
    public static func text(for rule: RuleDescriptor) -> String {
        let heading = rule.id == rule.name ? rule.id : "\(rule.id) \(rule.name)"
        var out = "\(heading): \(rule.title)\n"
        out += "default severity: \(rule.defaultSeverity.rawValue)\n\n"
        out += wrap(rule.explanation) + "\n"
        if let help = rule.help { out += "\n" + wrap("help: " + help) + "\n" }
        return out
    }

    /// One aligned line per descriptor: code and name (a rule's name alone), severity, title.
    public static func listing(_ rules: [RuleDescriptor]) -> String {
        let headings = rules.map { $0.id == $0.name ? $0.id : "\($0.id)  \($0.name)" }
        let headingWidth = headings.map(\.count).max() ?? 0
        let severityWidth = Severity.allCases.map(\.rawValue.count).max() ?? 0
        return zip(headings, rules).map { heading, rule in
            [padded(heading, headingWidth), padded(rule.defaultSeverity.rawValue, severityWidth), rule.title]
                .joined(separator: "  ") + "\n"
        }.joined()
    }

    /// The id or name nearest to `key` by edit distance, when it is close enough to be a typo.
    public static func closestMatch(to key: String, in rules: [RuleDescriptor]) -> String? {
        let candidates = rules.flatMap { [$0.id, $0.name] }
        let lowered = candidates.map { $0.lowercased() }
        guard let guess = EditDistance.closest(to: key.lowercased(), in: lowered, limit: { max(1, $0.count / 4) }) else { return nil }
        return candidates[lowered.firstIndex(of: guess)!]
    }

    /// Greedy word wrap of each paragraph line to ``lineWidth``.
    public static func wrap(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { paragraph in
            var lines: [String] = []
            var current = ""
            for word in paragraph.split(separator: " ") {
                if !current.isEmpty, current.count + 1 + word.count > lineWidth {
                    lines.append(current)
                    current = ""
                }
                current += (current.isEmpty ? "" : " ") + word
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
