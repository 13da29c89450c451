import ArgumentParser
import StrataDiagnostics

/// The `strata` command: architecture-as-code compiler and validator.
///
/// Exit status follows one convention for every subcommand: 0 success, 1 the
/// check found problems, 2 usage or I/O errors. `--help` and `--version` exit 0.
@main
struct Strata: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "Check distributed-system architectures written as code, and compile them.",
        discussion: """
            Examples:
              strata check specs/shop.strata
              strata check shop.strata --format sarif --output shop.sarif --format text
              strata fmt specs/*.strata
              strata explain E0103
            """,
        version: StrataVersion.current,
        subcommands: [Check.self, Build.self, Fmt.self, Explain.self, Simulate.self, Diagram.self, Up.self, Down.self]
    )

    /// Parses and runs a subcommand, mapping ArgumentParser's usage-error status (64) to 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let status as ExitCode {
            exit(withError: status)
        } catch {
            // Help and version requests are clean exits: print them to standard output, status 0.
            if exitCode(for: error) == .success { exit(withError: error) }
            Console.writeError(fullMessage(for: error) + "\n")
            exit(withError: ExitCode(2))
        }
    }
}

/// The version printed by `strata --version`.
enum StrataVersion {
    static let current = ToolInfo.strata.version
}
