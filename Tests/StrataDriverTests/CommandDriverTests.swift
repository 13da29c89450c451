import Foundation
import StrataDriver
import Testing

/// The driver's side of the commands, in-process: what the CLI used to compute itself.
@Suite struct CommandDriverTests {
    static let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("specs").path

    func temporaryFile(_ contents: String) throws -> String {
        let path = NSTemporaryDirectory() + "strata-driver-\(UUID().uuidString).strata"
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func checkRunChecksEachSpecOnceAndCollectsUnreadableOnes() {
        let shop = Self.specs + "/shop.strata"
        let flawed = Self.specs + "/flawed/consistency.strata"
        let run = CheckRun(specs: [shop, flawed, shop, "/nonexistent.strata"], settings: RuleSettings(), failOn: .error, report: false)
        #expect(run.unreadable.map(\.path) == ["/nonexistent.strata"])
        #expect(run.reports == nil)
        #expect(run.fails)
        #expect(run.diagnostics.contains { $0.severity == .error })
        let text = run.render(OutputRequest(format: .text, destination: .standardOutput), color: false)
        #expect(text.hasSuffix("2 errors, 2 warnings, 2 rules skipped\n"))
    }

    @Test func checkRunColoursOnlyTextOnStandardOutput() {
        let run = CheckRun(specs: [Self.specs + "/flawed/consistency.strata"], settings: RuleSettings(), failOn: .none, report: true)
        #expect(!run.fails)
        let toTerminal = run.render(OutputRequest(format: .text, destination: .standardOutput), color: true)
        let toFile = run.render(OutputRequest(format: .text, destination: .file("x.txt")), color: true)
        #expect(toTerminal.contains("\u{1B}["))
        #expect(!toFile.contains("\u{1B}["))
        #expect(toFile.contains("report for "))
        #expect(run.render(OutputRequest(format: .json, destination: .standardOutput), color: true).contains("\"report\""))
    }

    @Test func formatJobReportsEachOutcome() throws {
        let canonical = try String(contentsOfFile: Self.specs + "/hr.strata", encoding: .utf8)
        let messy = try temporaryFile(canonical.replacingOccurrences(of: "\n", with: "  \n"))
        defer { try? FileManager.default.removeItem(atPath: messy) }

        guard case .wouldChange(let hint) = FormatJob(checkOnly: true, color: false).format(messy) else {
            Issue.record("a file with trailing blanks would change")
            return
        }
        #expect(hint.hasPrefix("--- \(messy)\n+++ \(messy) (formatted)\n@@ -1,"))
        #expect(FormatJob(checkOnly: false, color: false).format(messy) == .rewritten)
        #expect(try String(contentsOfFile: messy, encoding: .utf8) == canonical)
        #expect(FormatJob(checkOnly: true, color: false).format(messy) == .unchanged)
        #expect(FormatJob(checkOnly: false, color: false).format("/nonexistent.strata")
            == .ioError(message: "cannot read /nonexistent.strata: No such file or directory"))

        let broken = try temporaryFile("architecture x {\n  service a {{\n")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        guard case .syntaxErrors(let rendered) = FormatJob(checkOnly: false, color: false).format(broken) else {
            Issue.record("a file with syntax errors is not formatted")
            return
        }
        #expect(rendered.contains("error"))
    }

    @Test func usageMistakesAreUsageErrors() {
        #expect(throws: UsageError("--disable unsed: no rule is called 'unsed'; did you mean 'unused'? ('strata explain --list' lists the rules)")) {
            try RuleSettings.parse(disable: ["unsed"], severity: [])
        }
        #expect(throws: UsageError("--severity fanout-tail must be RULE=LEVEL, e.g. '--severity fanout-tail=note'")) {
            try RuleSettings.parse(disable: [], severity: ["fanout-tail"])
        }
        #expect(throws: UsageError("unknown target 'bogus'; targets are \(BuildPipeline.targetNames.joined(separator: ", "))")) {
            try BuildPipeline.targets(named: "envoy, bogus")
        }
        #expect(throws: UsageError("--targets names no target")) { try BuildPipeline.targets(named: " , ") }
        #expect(throws: UsageError("--fail planet:x: 'planet' is not a level (use one of: machine, rack, idc, city, region)")) {
            try FailureTarget.checkLevel("planet:x")
        }
        #expect(throws: Never.self) { try FailureTarget.checkLevel("sh-a") }
    }

    @Test func diagramRequestsValidateTheirWords() throws {
        let request = try DiagramRequest(spec: "s.strata", view: ["set", "sh-a"], detail: "idc", theme: "dark", format: .dot, showFindings: false)
        #expect(request.view == .set("sh-a"))
        #expect(throws: UsageError("name the set to draw, e.g. 'strata diagram s.strata set sh-a'")) {
            try DiagramRequest(spec: "s.strata", view: ["set"], detail: nil, theme: "auto", format: .svg, showFindings: true)
        }
        #expect(throws: UsageError("unknown view 'wat'; views are topology, calls and set NAME")) {
            try DiagramRequest(spec: "s.strata", view: ["wat"], detail: nil, theme: "auto", format: .svg, showFindings: true)
        }
        #expect(throws: UsageError("--theme x: use auto, light or dark")) {
            try DiagramRequest(spec: "s.strata", view: [], detail: nil, theme: "x", format: .svg, showFindings: true)
        }
    }

    @Test func explanationsWrapAndSuggest() throws {
        #expect(RuleExplanation.wrap(String(repeating: "word ", count: 30)).split(separator: "\n").allSatisfy { $0.count <= RuleExplanation.lineWidth })
        #expect(RuleExplanation.closestMatch(to: "survivl", in: Pipeline.ruleDescriptors) == "survival")
        let listing = RuleExplanation.listing(Pipeline.ruleDescriptors)
        #expect(listing.split(separator: "\n").count == Pipeline.ruleDescriptors.count)
    }
}
