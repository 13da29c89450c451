import StrataDriver
import Testing

/// In-process tests of how `--format` and `--output` pair up.
@Suite struct OutputPlanTests {
    /// The requests for `arguments`, with the option values a parser would pass along.
    private func plan(_ arguments: [String], specs: [String] = ["a.strata"]) throws -> [OutputRequest] {
        let tokens = OutputPlan.scan(arguments)
        let formats = tokens.compactMap { token in if case .format(let name) = token { OutputFormat(rawValue: name) } else { nil } }
        let outputs = tokens.compactMap { token in if case .output(let path) = token { path } else { nil } }
        return try OutputPlan.requests(formats: formats, outputs: outputs, arguments: arguments, specs: specs)
    }

    @Test func eachOutputBelongsToTheFormatBeforeIt() throws {
        #expect(try plan(["--format", "sarif", "--output", "a.sarif", "--format", "text"]) == [
            OutputRequest(format: .sarif, destination: .file("a.sarif")),
            OutputRequest(format: .text, destination: .standardOutput),
        ])
        #expect(try plan(["--format", "text", "--format", "sarif", "--output", "a.sarif"]) == [
            OutputRequest(format: .text, destination: .standardOutput),
            OutputRequest(format: .sarif, destination: .file("a.sarif")),
        ])
        #expect(try plan(["-f", "json", "-o=-", "--format=junit", "--output=j.xml"]) == [
            OutputRequest(format: .json, destination: .standardOutput),
            OutputRequest(format: .junit, destination: .file("j.xml")),
        ])
    }

    @Test func defaultsToTextOnStandardOutput() throws {
        #expect(try plan([]) == [OutputRequest(format: .text, destination: .standardOutput)])
    }

    @Test func scanningStopsAtDoubleDash() {
        #expect(OutputPlan.scan(["--format", "json", "--", "--output", "x"]) == [.format("json")])
    }

    @Test func rejectsAmbiguousPairings() {
        #expect(throws: (any Error).self) { try OutputPlan.requests(from: [.output("x")], specs: []) }
        #expect(throws: (any Error).self) { try OutputPlan.requests(from: [.format("json"), .output("x"), .output("y")], specs: []) }
        #expect(throws: (any Error).self) { try OutputPlan.requests(from: [.format("json"), .format("text")], specs: []) }
        #expect(throws: (any Error).self) {
            try OutputPlan.requests(from: [.format("json"), .output("x"), .format("sarif"), .output("x")], specs: [])
        }
        #expect(throws: (any Error).self) { try OutputPlan.requests(from: [.format("json"), .output("./a.strata")], specs: ["a.strata"]) }
        #expect(throws: (any Error).self) {
            try OutputPlan.requests(from: [.format("json"), .output("r/x"), .format("sarif"), .output("r/./x")], specs: [])
        }
    }

    @Test func pairsByPositionWhenTheRawArgumentsDoNotMatch() throws {
        let requests = try OutputPlan.requests(formats: [.json, .text], outputs: ["x.json"], arguments: [], specs: [])
        #expect(requests == [
            OutputRequest(format: .json, destination: .file("x.json")),
            OutputRequest(format: .text, destination: .standardOutput),
        ])
    }
}
