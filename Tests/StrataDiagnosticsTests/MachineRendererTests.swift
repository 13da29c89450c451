import Foundation
import StrataDiagnostics
import StrataTestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Diagnostics exercising every field: secondary labels in two files, notes,
/// help, a suppression, and text that needs escaping in every format.
private func sampleRun() -> (Fixture, [Diagnostic]) {
    let fixture = Fixture()
    let main = fixture.file("specs/main, \"odd\" & <name>.strata", "architecture a {\n  name \"héllo\n  service orders { }\n}\n")
    let lib = fixture.file("/abs/lib.strata", "service orders { }\n")
    let diagnostics = [
        Diagnostic(
            id: "E0405", severity: .error, message: "`orders` declared twice: 100% \"sure\"\r\nsecond line",
            primary: Label(fixture.span(of: "orders", in: main), "again"),
            secondary: [Label(fixture.span(of: "orders", in: lib), "first here"), Label(fixture.span(of: "a {", in: main, length: 1))],
            notes: ["a <note> & more"], help: "rename one, e.g. `orders-v2`"),
        Diagnostic(Catalogue.unterminatedString, "string is not closed before the end of the line", at: fixture.span(of: "\"héllo", in: main)),
        Diagnostic(id: "single-instance", severity: .warning, message: "`orders` has one instance",
                   primary: Label(fixture.span(of: "service", in: lib)),
                   suppression: Suppression(reason: "batch job, 'retries' are fine", span: fixture.span(of: "architecture", in: main))),
        Diagnostic(id: "unused", severity: .note, message: "nothing calls `orders`", primary: Label(fixture.span(of: "orders", in: main)),
                   subject: .endpoint(service: "orders", endpoint: "create")),
    ]
    return (fixture, diagnostics)
}

private let checkerRules = [
    RuleDescriptor(id: "single-instance", name: "single-instance", title: "component has a single instance",
                   explanation: "A hard dependency on a public path needs at least two instances.", defaultSeverity: .error),
]

// MARK: - JSON

/// The documented JSON schema, decoded.
private struct JSONReport: Decodable {
    struct Position: Decodable, Equatable { let line: Int; let column: Int; let offset: Int }
    struct Location: Decodable { let file: String; let start: Position; let end: Position }
    struct LabelEntry: Decodable { let primary: Bool; let file: String; let start: Position; let end: Position; let message: String? }
    struct SuppressionEntry: Decodable { let reason: String; let location: Location? }
    struct Entry: Decodable {
        let id: String; let name: String?; let severity: String; let message: String; let file: String
        let start: Position; let end: Position; let labels: [LabelEntry]; let notes: [String]; let help: String?
        let suppressed: Bool; let suppression: SuppressionEntry?
    }
    struct Tool: Decodable { let name: String; let version: String; let informationUri: String }
    struct Summary: Decodable { let errors: Int; let warnings: Int; let notes: Int; let suppressed: Int }
    let version: Int
    let tool: Tool
    let diagnostics: [Entry]
    let summary: Summary
}

@Suite struct JSONRendererTests {
    @Test func roundTripsEveryField() throws {
        let (fixture, diagnostics) = sampleRun()
        let renderer = JSONRenderer(sources: fixture.sources, rules: RuleDescriptor.catalogue + checkerRules)
        let text = renderer.render(diagnostics)
        let report = try JSONDecoder().decode(JSONReport.self, from: Data(text.utf8))

        #expect(report.version == 1)
        #expect(report.tool.name == "strata")
        #expect(report.summary.errors == 2 && report.summary.warnings == 0 && report.summary.notes == 1 && report.summary.suppressed == 1)
        let sorted = diagnostics.sortedForOutput()
        #expect(report.diagnostics.count == sorted.count)
        for (entry, diagnostic) in zip(report.diagnostics, sorted) {
            let start = fixture.sources.location(diagnostic.primary.span)
            let end = fixture.sources.endLocation(diagnostic.primary.span)
            #expect(entry.id == diagnostic.id)
            #expect(entry.severity == diagnostic.severity.rawValue)
            #expect(entry.message == diagnostic.message)
            #expect(entry.file == fixture.sources.path(diagnostic.primary.span))
            #expect(entry.start == .init(line: start.line, column: start.column, offset: diagnostic.primary.span.start))
            #expect(entry.end == .init(line: end.line, column: end.column, offset: diagnostic.primary.span.end))
            #expect(entry.labels.count == 1 + diagnostic.secondary.count)
            #expect(entry.labels.first?.primary == true)
            #expect(entry.labels.first?.message == diagnostic.primary.message)
            #expect(entry.labels.dropFirst().map(\.message) == diagnostic.secondary.map(\.message))
            #expect(entry.notes == diagnostic.notes)
            #expect(entry.help == diagnostic.help)
            #expect(entry.suppressed == (diagnostic.suppression != nil))
            #expect(entry.suppression?.reason == diagnostic.suppression?.reason)
        }
        let duplicate = try #require(report.diagnostics.first { $0.id == "E0405" })
        #expect(duplicate.labels[1].file == "/abs/lib.strata")
        #expect(duplicate.labels[1].start == .init(line: 1, column: 9, offset: 8))
        #expect(duplicate.name == "duplicate-name")
        #expect(report.diagnostics.first { $0.id == "unused" }?.name == nil)
        #expect(report.diagnostics.first { $0.id == "E0103" }?.name == "unterminated-string")
        #expect(report.diagnostics.first { $0.id == "E0103" }?.start.column == 8)
        let suppressed = try #require(report.diagnostics.first { $0.suppressed })
        #expect(suppressed.suppression?.location?.start == .init(line: 1, column: 1, offset: 0))
    }

    @Test func isDeterministicAndSortsKeys() {
        let (fixture, diagnostics) = sampleRun()
        let renderer = JSONRenderer(sources: fixture.sources)
        let first = renderer.render(diagnostics)
        #expect(first == renderer.render(diagnostics.reversed()))
        #expect(first.hasPrefix("{\n  \"diagnostics\": [\n    {\n      \"end\": {\n"))
        #expect(first.hasSuffix("  \"version\": 1\n}\n"))
    }

    @Test func escapesControlCharactersAndQuotes() throws {
        let fixture = Fixture()
        let file = fixture.file("a.strata", "x\n")
        let message = "tab\there \"q\" back\\slash nul\u{0} bell\u{7} sep\u{2028} é"
        let diagnostic = Diagnostic(id: "x", severity: .error, message: message, primary: Label(fixture.span(of: "x", in: file)))
        let text = JSONRenderer(sources: fixture.sources).render([diagnostic])
        #expect(text.contains(#""message": "tab\there \"q\" back\\slash nul\u0000 bell\u0007 sep\u2028 é""#))
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let entries = object?["diagnostics"] as? [[String: Any]]
        #expect(entries?.first?["message"] as? String == message)
    }

    @Test func emptyRunIsAValidDocument() throws {
        let text = JSONRenderer(sources: SourceManager()).render([])
        let report = try JSONDecoder().decode(JSONReport.self, from: Data(text.utf8))
        #expect(report.diagnostics.isEmpty)
        #expect(text.contains("\"diagnostics\": [],"))
    }
}

// MARK: - SARIF

@Suite struct SARIFRendererTests {
    @Test func validatesAgainstTheSARIF210Schema() throws {
        let (fixture, diagnostics) = sampleRun()
        let text = SARIFRenderer(sources: fixture.sources, rules: RuleDescriptor.catalogue + checkerRules).render(diagnostics)
        try SchemaValidation.validateSARIF(text)
        // An empty run is valid too.
        try SchemaValidation.validateSARIF(SARIFRenderer(sources: SourceManager()).render([]))
    }

    @Test func describesRulesResultsLocationsAndSuppressions() throws {
        let (fixture, diagnostics) = sampleRun()
        let rules = RuleDescriptor.catalogue + checkerRules
        let text = SARIFRenderer(sources: fixture.sources, rules: rules).render(diagnostics)
        #expect(text == SARIFRenderer(sources: fixture.sources, rules: rules).render(diagnostics.reversed()))

        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect(log["$schema"] as? String == SARIFRenderer.schemaURI)
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "strata")
        let sarifRules = try #require(driver["rules"] as? [[String: Any]])
        let ruleIDs = sarifRules.compactMap { $0["id"] as? String }
        // Every catalogue entry and checker rule, then a stand-in for the undocumented `unused`.
        #expect(ruleIDs == rules.map(\.id) + ["unused"])
        let e0103 = try #require(sarifRules.first { $0["id"] as? String == "E0103" })
        #expect(e0103["name"] as? String == "unterminated-string")
        #expect((e0103["shortDescription"] as? [String: Any])?["text"] as? String == Catalogue.unterminatedString.title)
        #expect(((e0103["help"] as? [String: Any])?["text"] as? String)?.hasSuffix("Help: close the string with `\"`") == true)
        #expect((e0103["defaultConfiguration"] as? [String: Any])?["level"] as? String == "error")

        let artifacts = try #require(run["artifacts"] as? [[String: Any]])
        let uris = artifacts.compactMap { ($0["location"] as? [String: Any])?["uri"] as? String }
        #expect(uris == ["specs/main%2C%20%22odd%22%20%26%20%3Cname%3E.strata", "file:///abs/lib.strata"])

        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 4)
        for result in results {
            let ruleID = try #require(result["ruleId"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ruleIDs[index] == ruleID)
        }
        let duplicate = try #require(results.first { $0["ruleId"] as? String == "E0405" })
        #expect(duplicate["level"] as? String == "error")
        #expect(((duplicate["message"] as? [String: Any])?["text"] as? String)?.hasSuffix("note: a <note> & more\nhelp: rename one, e.g. `orders-v2`") == true)
        let region = try #require(
            (((duplicate["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"]) as? [String: Int])
        #expect(region == ["startLine": 3, "startColumn": 11, "endLine": 3, "endColumn": 17])
        let related = try #require(duplicate["relatedLocations"] as? [[String: Any]])
        #expect(related.count == 2)
        #expect((related[0]["message"] as? [String: Any])?["text"] as? String == "first here")
        #expect(related[1]["message"] == nil)

        let note = try #require(results.first { $0["ruleId"] as? String == "unused" })
        #expect(note["level"] as? String == "note")
        #expect(note["suppressions"] == nil)
        // A finding's subject is its logical location; a compiler diagnostic has none.
        let logical = (note["locations"] as? [[String: Any]])?.first?["logicalLocations"] as? [[String: String]]
        #expect(logical == [["fullyQualifiedName": "endpoint orders.create", "kind": "declaration"]])
        #expect((duplicate["locations"] as? [[String: Any]])?.first?["logicalLocations"] == nil)
        let suppressed = try #require(results.first { $0["ruleId"] as? String == "single-instance" })
        let suppression = try #require((suppressed["suppressions"] as? [[String: Any]])?.first)
        #expect(suppression["kind"] as? String == "inSource")
        #expect(suppression["justification"] as? String == "batch job, 'retries' are fine")
    }
}

// MARK: - GitHub

@Suite struct GitHubRendererTests {
    @Test func escapesPropertiesAndMessages() {
        #expect(GitHubRenderer.escapeData("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b")
        #expect(GitHubRenderer.escapeProperty("dir:a,b/100%.strata\n") == "dir%3Aa%2Cb/100%25.strata%0A")
    }

    @Test func writesOneCommandPerUnsuppressedDiagnostic() {
        let (fixture, diagnostics) = sampleRun()
        let text = GitHubRenderer(sources: fixture.sources).render(diagnostics)
        #expect(text == """
            ::error file=specs/main%2C "odd" & <name>.strata,line=2,col=8,endLine=2,endColumn=14,title=E0103::string is not closed before the end of the line%0Ahelp: close the string with `"`
            ::error file=specs/main%2C "odd" & <name>.strata,line=3,col=11,endLine=3,endColumn=17,title=E0405::`orders` declared twice: 100%25 "sure"%0D%0Asecond line%0Ahere: again%0Asee /abs/lib.strata:1:9: first here%0Asee specs/main, "odd" & <name>.strata:1:14%0Anote: a <note> & more%0Ahelp: rename one, e.g. `orders-v2`
            ::notice file=specs/main%2C "odd" & <name>.strata,line=3,col=11,endLine=3,endColumn=17,title=unused::nothing calls `orders`

            """)
    }
}

// MARK: - JUnit

/// Counts elements and collects failures while parsing a JUnit document.
private final class JUnitReader: NSObject, XMLParserDelegate {
    var suites: [String] = []
    var testCases = 0
    var failureMessages: [String] = []
    var systemOutCount = 0
    var text = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        switch elementName {
        case "testsuite": suites.append(attributes["name"] ?? "")
        case "testcase": testCases += 1
        case "failure": failureMessages.append(attributes["message"] ?? "")
        case "system-out": systemOutCount += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

@Suite struct JUnitRendererTests {
    private func parse(_ xml: String) -> (XMLParser, JUnitReader) {
        let parser = XMLParser(data: Data(xml.utf8))
        let reader = JUnitReader()
        parser.delegate = reader
        _ = parser.parse()
        return (parser, reader)
    }

    @Test func isWellFormedWithOneSuitePerFileAndOneCasePerRule() {
        let (fixture, diagnostics) = sampleRun()
        let rules = RuleDescriptor.catalogue + checkerRules
        let xml = JUnitRenderer(sources: fixture.sources, rules: rules).render(diagnostics)
        let (parser, reader) = parse(xml)
        #expect(parser.parserError == nil)
        #expect(reader.suites == ["specs/main, \"odd\" & <name>.strata", "/abs/lib.strata"])
        // Catalogue + checker rule + the undocumented `unused`, in each of two files.
        #expect(reader.testCases == 2 * (rules.count + 1))
        #expect(reader.failureMessages.sorted() == [
            "2:8: string is not closed before the end of the line",
            "3:11: `orders` declared twice: 100% \"sure\"\r\nsecond line",
            "3:11: nothing calls `orders`",
        ])
        // The suppressed finding is listed, not failed.
        #expect(reader.systemOutCount == 1)
        #expect(reader.text.contains("suppressed: batch job, 'retries' are fine"))
        #expect(xml == JUnitRenderer(sources: fixture.sources, rules: rules).render(diagnostics.reversed()))
    }

    @Test func findingsBelowTheThresholdAreNotFailures() {
        let (fixture, diagnostics) = sampleRun()
        let xml = JUnitRenderer(sources: fixture.sources, failurePolicy: FailurePolicy(failOn: .error)).render(diagnostics)
        let (parser, reader) = parse(xml)
        #expect(parser.parserError == nil)
        #expect(reader.failureMessages.count == 2)
        #expect(reader.systemOutCount == 2)
        #expect(xml.contains("<testsuites name=\"strata\" tests=\"\(2 * (RuleDescriptor.catalogue.count + 2))\" failures=\"2\""))
    }

    @Test func controlCharactersStayWellFormed() {
        let fixture = Fixture()
        let file = fixture.file("c.strata", "x\n")
        let diagnostic = Diagnostic(id: "x", severity: .error, message: "nul\u{0} esc\u{1B} ]]> &amp;", primary: Label(fixture.span(of: "x", in: file)))
        let (parser, reader) = parse(JUnitRenderer(sources: fixture.sources).render([diagnostic]))
        #expect(parser.parserError == nil)
        #expect(reader.failureMessages == ["1:1: nul\\u{0} esc\\u{1B} ]]> &amp;"])
    }

    @Test func emptyRun() {
        let xml = JUnitRenderer(sources: SourceManager()).render([])
        #expect(xml == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"strata\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\"/>\n")
        #expect(parse(xml).0.parserError == nil)
    }
}

// MARK: - Failure policy

@Suite struct FailurePolicyTests {
    @Test func compilerErrorsAlwaysFailAndSuppressedNever() {
        let fixture = Fixture()
        let file = fixture.file("p.strata", "x\n")
        let span = fixture.span(of: "x", in: file)
        let syntax = Diagnostic(Catalogue.unexpectedToken, "m", at: span)
        let warning = Diagnostic(id: "stripe-escape", severity: .warning, message: "m", primary: Label(span))
        var suppressed = Diagnostic(id: "survival", severity: .error, message: "m", primary: Label(span))
        suppressed.suppression = Suppression(reason: "r", span: nil)

        #expect(FailurePolicy(failOn: nil).fails(on: syntax))
        #expect(!FailurePolicy(failOn: nil).fails(on: warning))
        #expect(!FailurePolicy.errors.fails(on: warning))
        #expect(FailurePolicy(failOn: .warning).fails(on: warning))
        #expect(!FailurePolicy.everyFinding.fails(on: suppressed))
    }
}
