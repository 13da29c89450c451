import ArgumentParser

/// `strata fmt` (placeholder, being implemented).
struct Fmt: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "fmt")
    func run() throws {}
}
