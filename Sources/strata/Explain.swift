import ArgumentParser
import StrataDiagnostics
import StrataDriver

/// `strata explain`: prints what a diagnostic code or rule name means.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a diagnostic code or rule name.",
        discussion: """
            Prints the title, the explanation and the usual fix of a compiler diagnostic \
            (by code or name), or the title, default severity and doc of a checker rule. \
            --list lists the compiler codes, then the rules. Exit status 2 for an unknown id.

            Examples:
              strata explain E0103
              strata explain unterminated-string
              strata explain survival
              strata explain --list
            """)

    @ArgumentParser.Argument(help: ArgumentHelp("A code such as E0103, or a name such as unterminated-string or survival.", valueName: "id"))
    var id: String?

    @Flag(help: "List every compiler code and checker rule with its default severity and title.")
    var list = false

    func validate() throws {
        if list, let id { throw ValidationError("give either an id or --list, not both (got '\(id)')") }
        if !list, id == nil { throw ValidationError("missing the code or name to explain; 'strata explain --list' shows them all") }
    }

    func run() throws {
        if list {
            try Console.write(Explain.listing(Pipeline.ruleDescriptors))
            return
        }
        let key = id ?? ""
        guard let rule = RuleDescriptor.lookup(key, in: Pipeline.ruleDescriptors) else {
            var message = "strata: error: unknown diagnostic code or rule name '\(key)'"
            if let guess = Explain.closestMatch(to: key, in: Pipeline.ruleDescriptors) { message += "; did you mean '\(guess)'?" }
            Console.writeError(message + "\nRun 'strata explain --list' to see every code and name.\n")
            throw ExitCode(2)
        }
        try Console.write(Explain.explanation(rule))
    }

    /// Lines wrapped to fit a terminal.
    static let lineWidth = 80

    /// `E0103 unterminated-string: title`, the severity, the explanation and help, wrapped.
    static func explanation(_ rule: RuleDescriptor) -> String {
        let heading = rule.id == rule.name ? rule.id : "\(rule.id) \(rule.name)"
        var out = "\(heading): \(rule.title)\n"
        out += "default severity: \(rule.defaultSeverity.rawValue)\n\n"
        out += wrap(rule.explanation) + "\n"
        if let help = rule.help { out += "\n" + wrap("help: " + help) + "\n" }
        return out
    }

    /// One aligned line per descriptor: code and name (a rule's name alone), severity, title.
    static func listing(_ rules: [RuleDescriptor]) -> String {
        let headings = rules.map { $0.id == $0.name ? $0.id : "\($0.id)  \($0.name)" }
        let headingWidth = headings.map(\.count).max() ?? 0
        let severityWidth = Severity.allCases.map(\.rawValue.count).max() ?? 0
        return zip(headings, rules).map { heading, rule in
            [padded(heading, headingWidth), padded(rule.defaultSeverity.rawValue, severityWidth), rule.title]
                .joined(separator: "  ") + "\n"
        }.joined()
    }

    /// The id or name nearest to `key` by edit distance, when it is close enough to be a typo.
    static func closestMatch(to key: String, in rules: [RuleDescriptor]) -> String? {
        let candidates = rules.flatMap { [$0.id, $0.name] }
        let lowered = candidates.map { $0.lowercased() }
        guard let guess = EditDistance.closest(to: key.lowercased(), in: lowered, limit: { max(1, $0.count / 4) }) else { return nil }
        return candidates[lowered.firstIndex(of: guess)!]
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// Greedy word wrap of each paragraph line to ``lineWidth``.
    static func wrap(_ text: String) -> String {
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
}
