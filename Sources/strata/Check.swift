import ArgumentParser
import StrataDiagnostics
import StrataModel
import StrataSyntax

/// `strata check`: compiles specs and reports every problem in the requested formats.
///
/// Exit status: 0 when nothing is at or above `--fail-on`; 1 when something
/// is (compiler errors always count); 2 for usage errors, unreadable specs
/// and unwritable outputs.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check specs and report every problem in one run.",
        discussion: """
            Each spec is compiled with the files it includes; every lexical, syntax, \
            include and semantic problem is reported, not just the first.

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

    @Flag(help: "Never colour text output.")
    var noColor = false

    func validate() throws {
        _ = try outputRequests()
    }

    func run() throws {
        let requests = try outputRequests()
        let sources = SourceManager()
        var diagnostics: [Diagnostic] = []
        var ioFailed = false

        for path in uniqueSpecs {
            do {
                let loaded = try SpecLoader.load(path: path, sources: sources)
                diagnostics += Compiler.compile(loaded).diagnostics
            } catch {
                Console.writeError("strata: error: cannot read \(path): \(error)\n")
                ioFailed = true
            }
        }

        let policy = failOn.policy
        for request in requests {
            let text = render(diagnostics, as: request, sources: sources, policy: policy)
            do {
                switch request.destination {
                case .standardOutput:
                    try Console.write(text)
                case .file(let path):
                    try OutputFile.write(text, to: path)
                }
            } catch {
                let target = if case .file(let path) = request.destination { path } else { "standard output" }
                let reason = (error as? OutputError)?.reason ?? "\(error)"
                Console.writeError("strata: error: cannot write \(target): \(reason)\n")
                ioFailed = true
            }
        }

        if ioFailed { throw ExitCode(2) }
        if policy.fails(on: diagnostics) { throw ExitCode(1) }
    }

    /// The spec paths in the order given, each once.
    private var uniqueSpecs: [String] {
        var seen: Set<String> = []
        return specs.filter { seen.insert(SpecLoader.normalize($0)).inserted }
    }

    private func outputRequests() throws -> [OutputRequest] {
        try OutputPlan.requests(formats: format, outputs: output,
                                arguments: Array(CommandLine.arguments.dropFirst()), specs: specs)
    }

    private func render(_ diagnostics: [Diagnostic], as request: OutputRequest, sources: SourceManager, policy: FailurePolicy) -> String {
        let rules = KnownRules.all
        let renderer: any DiagnosticRenderer = switch request.format {
        case .text:
            TextRenderer(sources: sources,
                         color: request.destination == .standardOutput && !noColor && Console.standardOutputWantsColor,
                         summary: true)
        case .json: JSONRenderer(sources: sources, rules: rules)
        case .sarif: SARIFRenderer(sources: sources, rules: rules)
        case .github: GitHubRenderer(sources: sources)
        case .junit: JUnitRenderer(sources: sources, rules: rules, failurePolicy: policy)
        }
        return renderer.render(diagnostics)
    }
}
