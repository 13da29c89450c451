import ArgumentParser
import StrataDiagnostics
import StrataDriver

/// `strata explain`: prints what a diagnostic code or rule name means.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a diagnostic code, a rule name or a statement of the language.",
        discussion: """
            Prints the title, the explanation and the usual fix of a compiler diagnostic \
            (by code or name), the title, default severity and doc of a checker rule, or the \
            usage and an example of a statement keyword in each block that accepts it (a name \
            that is both a rule and a keyword, such as auth, explains the rule). \
            --list lists the compiler codes, then the rules. Exit status 2 for an unknown id.

            Examples:
              strata explain E0103
              strata explain unterminated-string
              strata explain survival
              strata explain replicas
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
            try Console.write(RuleExplanation.listing(Pipeline.ruleDescriptors))
            return
        }
        let key = id ?? ""
        guard let rule = RuleDescriptor.lookup(key, in: Pipeline.ruleDescriptors) else {
            if let statement = StatementExplanation.text(for: key) {
                try Console.write(statement)
                return
            }
            var message = "strata: error: unknown diagnostic code, rule name or statement '\(key)'"
            if let guess = RuleExplanation.closestMatch(to: key, in: Pipeline.ruleDescriptors) { message += "; did you mean '\(guess)'?" }
            Console.writeError(message + "\nRun 'strata explain --list' to see every code and name.\n")
            throw ExitCode(2)
        }
        try Console.write(RuleExplanation.text(for: rule))
    }
}
