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
            try Console.write(RuleExplanation.listing(Pipeline.ruleDescriptors))
            return
        }
        let key = id ?? ""
        guard let rule = RuleDescriptor.lookup(key, in: Pipeline.ruleDescriptors) else {
            var message = "strata: error: unknown diagnostic code or rule name '\(key)'"
            if let guess = RuleExplanation.closestMatch(to: key, in: Pipeline.ruleDescriptors) { message += "; did you mean '\(guess)'?" }
            Console.writeError(message + "\nRun 'strata explain --list' to see every code and name.\n")
            throw ExitCode(2)
        }
        try Console.write(RuleExplanation.text(for: rule))
    }
}
