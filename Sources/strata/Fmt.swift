import ArgumentParser
import StrataDiagnostics
import StrataDriver

/// `strata fmt`: rewrites spec files in the canonical layout (see `FormatJob`).
///
/// Each file is formatted on its own; included files are not followed.
/// Exit status: 0 when every file is (or now is) canonical; 1 when a file has
/// syntax errors, or with `--check` when a file would change; 2 when a file
/// cannot be read or written.
struct Fmt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite spec files in the canonical layout.",
        discussion: """
            Files are rewritten in place, and only when their layout changes. Each file \
            is formatted on its own: included files are not followed. Every comment is kept.
            With --check nothing is written: each file that would change is listed with \
            its first changed lines, and the exit status is 1 if any would change.
            """)

    @Flag(help: "Write nothing; list files that are not formatted and exit with status 1 if there are any.")
    var check = false

    @ArgumentParser.Argument(help: ArgumentHelp("The .strata files to format.", valueName: "spec"))
    var specs: [String]

    func run() throws {
        let job = FormatJob(checkOnly: check, color: Console.standardErrorWantsColor)
        var unreadable = false
        var failed = false
        for path in specs {
            switch job.format(path) {
            case .unchanged, .rewritten:
                break
            case .wouldChange(let hint):
                print("would reformat \(VisibleText.escaped(path))")
                print(hint, terminator: "")
                failed = true
            case .syntaxErrors(let rendered):
                Console.writeError(rendered)
                failed = true
            case .ioError(let message):
                Console.writeError("strata fmt: \(message)\n")
                unreadable = true
            }
        }
        if unreadable { throw ExitCode(2) }
        if failed { throw ExitCode(1) }
    }
}
