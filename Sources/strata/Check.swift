import ArgumentParser

/// `strata check` (placeholder, being implemented).
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "check")
    func run() throws {}
}
