import ArgumentParser

/// `strata explain` (placeholder, being implemented).
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "explain")
    func run() throws {}
}
