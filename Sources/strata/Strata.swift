import ArgumentParser

/// The `strata` command: architecture-as-code compiler and validator.
@main
struct Strata: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "Check distributed-system architectures written as code, and compile them.",
        version: StrataVersion.current,
        subcommands: [Check.self, Fmt.self, Explain.self]
    )
}

/// The version printed by `strata --version`.
enum StrataVersion {
    static let current = "0.1.0"
}
