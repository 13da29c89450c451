import ArgumentParser
import StrataDriver

/// `strata check`: compiles specs, runs the checker rules and reports every problem in the requested formats.
///
/// Exit status: 0 when nothing is at or above `--fail-on`; 1 when something
/// is (compiler errors always count); 2 for usage errors, unreadable specs
/// and unwritable outputs.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check specs and report every problem in one run.",
        discussion: """
            Each spec is compiled with the files it includes; every lexical, syntax, \
            include and semantic problem is reported, not just the first. Specs that \
            compile are then checked by every rule ('strata explain --list' lists them, \
            'strata explain RULE' says what one checks).

            Rules: --disable RULE skips a rule; --severity RULE=LEVEL (error, warning or \
            note) changes the severity of its findings; both repeat. In a spec, \
            'allow RULE "reason"' suppresses a rule's findings in the block it is written \
            in: suppressed findings never count toward the exit status; text output only \
            counts them ("N suppressed"), json lists them with "suppressed": true and the \
            reason, sarif as results with inSource suppressions (the reason as \
            justification). A rule that lacks its inputs (e.g. failover-capacity without \
            capacity and load) is reported as skipped in every format, never as a pass: \
            a note line in text, the "skipped" array in json, a tool execution \
            notification in sarif, a notice in github, a <skipped> test case in junit. \
            Compiler errors cannot be disabled, lowered or suppressed.

            --report prints, after the diagnostics, a table per spec with one row per \
            public endpoint and set: p99 latency against the budget, p99 after the worst \
            single failure at the survive level (and that failure), the estimated \
            availability against the SLO, and the smallest domain whose loss leaves the \
            endpoint unserved. It goes to the text output and, as a "report" array, into \
            the json output; other formats leave it out, so --report needs text or json \
            among the formats.

            Formats:
            \(OutputFormat.allCases.map { "  " + $0.rawValue + String(repeating: " ", count: 8 - $0.rawValue.count) + $0.summary }.joined(separator: "\n"))

            Several formats can be written in one run. Each --output names the file for \
            the --format written just before it; a --format without an --output writes \
            to standard output (only one may). Without --format, text goes to standard \
            output. Text is coloured only on a terminal, when NO_COLOR is unset and \
            without --no-color. Missing directories of an --output are created.

            Exit status: 0 when no finding is at or above --fail-on; 1 when one is \
            (syntax and semantic errors always count, whatever --fail-on says); 2 for \
            a usage error, a spec that cannot be read, or an output that cannot be written.

            Examples:
              strata check specs/shop.strata
              strata check specs/*.strata --fail-on warning
              strata check shop.strata --format sarif --output strata.sarif --format text
              strata check shop.strata --format github --format junit --output junit.xml
              strata check shop.strata --format json --output - | jq '.summary'
              strata check shop.strata --disable unused --severity fanout-tail=note
              strata check shop.strata --report
            """)

    @ArgumentParser.Argument(help: ArgumentHelp("Spec files to check (each with the files it includes).", valueName: "spec"))
    var specs: [String]

    @Option(name: [.customShort("f"), .long],
            help: ArgumentHelp("Output format; repeat it to write several (see above).", valueName: "format"))
    var format: [OutputFormat] = []

    @Option(name: [.customShort("o"), .long],
            help: ArgumentHelp("File for the --format just before it ('-' for standard output).", valueName: "file"))
    var output: [String] = []

    @Option(help: ArgumentHelp("Lowest severity that makes the run fail (exit status 1).", valueName: "severity"))
    var failOn: FailOnLevel = .error

    @Option(help: ArgumentHelp("Do not run this rule; repeat it to disable several.", valueName: "rule"))
    var disable: [String] = []

    @Option(help: ArgumentHelp("Report a rule's findings at LEVEL (error, warning or note); repeatable.", valueName: "rule=level"))
    var severity: [String] = []

    @Option(help: ArgumentHelp("Folder every spec and every include must stay inside (default: each spec's own folder). Use it when checking specs you did not write, e.g. in CI on pull requests.", valueName: "dir"))
    var includeRoot: String?

    @Flag(help: "Also print the per-endpoint latency and availability report (text and json only).")
    var report = false

    @Flag(help: "Never colour text output.")
    var noColor = false

    func validate() throws {
        let requests = try outputRequests()
        _ = try validating { try RuleSettings.parse(disable: disable, severity: severity) }
        if report, !requests.contains(where: { $0.format == .text || $0.format == .json }) {
            throw ValidationError("--report is written to the text or json output; add '--format text' or '--format json'")
        }
    }

    func run() throws {
        let requests = try outputRequests()
        let settings = try validating { try RuleSettings.parse(disable: disable, severity: severity) }
        let run = CheckRun(specs: specs, settings: settings, failOn: failOn, report: report, includeRoot: includeRoot)
        for problem in run.unreadable { Console.writeError("strata: error: \(problem)\n") }
        var ioFailed = !run.unreadable.isEmpty
        let color = !noColor && Console.standardOutputWantsColor
        for request in requests {
            let text = run.render(request, color: color)
            do {
                switch request.destination {
                case .standardOutput:
                    try Console.write(text)
                case .file(let path):
                    try AtomicFile.write(Array(text.utf8), to: path, createDirectories: true)
                }
            } catch {
                let target = if case .file(let path) = request.destination { path } else { "standard output" }
                let reason = (error as? FileError)?.reason ?? "\(error)"
                Console.writeError("strata: error: cannot write \(target): \(reason)\n")
                ioFailed = true
            }
        }
        if ioFailed { throw ExitCode(2) }
        if run.fails { throw ExitCode(1) }
    }

    private func outputRequests() throws -> [OutputRequest] {
        try validating {
            try OutputPlan.requests(formats: format, outputs: output, arguments: Array(CommandLine.arguments.dropFirst()), specs: specs)
        }
    }
}
