import Foundation
import StrataDiagnostics
import StrataTestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A spec with one rule finding, a rule skipped for lack of input, and a rule skipped in part.
private func skippedRun() -> (Fixture, [Diagnostic], [SkippedCheck], [RuleDescriptor]) {
    let fixture = Fixture()
    let file = fixture.file("specs/shop.strata", "architecture shop {\n  service orders { }\n}\n")
    let diagnostics = [
        Diagnostic(id: "stripe-escape", severity: .warning, message: "orders hard-calls a shared service",
                   primary: Label(fixture.span(of: "orders", in: file))),
    ]
    let skipped = [
        SkippedCheck(rule: "failover-capacity", reason: "no service declares both `capacity` and `load`", file: "specs/shop.strata"),
        SkippedCheck(rule: "failover-capacity", reason: "service orders declares neither `capacity` nor \"load\"", file: "specs/shop.strata"),
        SkippedCheck(rule: "stripe-escape", reason: "service audit has no placement", file: "specs/shop.strata"),
    ]
    let rules = RuleDescriptor.catalogue + [
        RuleDescriptor(id: "failover-capacity", name: "failover-capacity", title: "survivors cannot carry the load",
                       explanation: "Fires when the survivors of the worst loss cannot carry the load.", defaultSeverity: .warning),
        RuleDescriptor(id: "stripe-escape", name: "stripe-escape", title: "a striped service hard-calls a shared one",
                       explanation: "Fires when a striped service hard-calls a shared service.", defaultSeverity: .warning),
    ]
    return (fixture, diagnostics, skipped, rules)
}

@Suite struct SkippedRuleRenderingTests {
    @Test func textListsEverySkipBeforeTheSummary() {
        let (fixture, diagnostics, skipped, _) = skippedRun()
        let text = TextRenderer(sources: fixture.sources, color: false, summary: true, skipped: skipped).render(diagnostics)
        #expect(text.hasSuffix("""

            specs/shop.strata: note: rule failover-capacity skipped: no service declares both `capacity` and `load`
            specs/shop.strata: note: rule failover-capacity skipped: service orders declares neither `capacity` nor "load"
            specs/shop.strata: note: rule stripe-escape skipped: service audit has no placement
            0 errors, 1 warning, 2 rules skipped

            """))
        // Without a summary the skips still show; without skips nothing changes.
        let bare = TextRenderer(sources: fixture.sources, color: false, summary: false, skipped: skipped).render([])
        #expect(bare.split(separator: "\n").count == 3)
        #expect(TextRenderer(sources: fixture.sources, color: false, summary: true).render([]) == "0 errors, 0 warnings\n")
        let none = TextRenderer(sources: fixture.sources, color: false, summary: true,
                                skipped: [SkippedCheck(rule: nil, reason: "the spec has errors, so no rule ran", file: "a.strata")]).render([])
        #expect(none == "a.strata: note: rules skipped: the spec has errors, so no rule ran\n0 errors, 0 warnings\n")
    }

    @Test func jsonHasASkippedArrayAndExtraSections() throws {
        let (fixture, diagnostics, skipped, rules) = skippedRun()
        let text = JSONRenderer(sources: fixture.sources, rules: rules, skipped: skipped,
                                sections: ["report": .array([.object(["p99Ms": .number(19.5), "budgetMs": .number(400),
                                                                      "availability": .number(0.99992), "missing": .optional(nil as Double?),
                                                                      "nan": .number(.nan)])]),
                                           "version": .int(99)])
            .render(diagnostics)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["version"] as? Int == JSONRenderer.schemaVersion, "sections never replace the document's own members")
        let entries = try #require(object["skipped"] as? [[String: Any]])
        #expect(entries.count == 3)
        #expect(entries[0]["rule"] as? String == "failover-capacity")
        #expect(entries[0]["file"] as? String == "specs/shop.strata")
        #expect(entries[1]["reason"] as? String == "service orders declares neither `capacity` nor \"load\"")
        #expect(text.contains("\"budgetMs\": 400,"))
        #expect(text.contains("\"p99Ms\": 19.5"))
        #expect(text.contains("\"availability\": 0.99992,"))
        #expect(text.contains("\"nan\": null"))
        // When every rule ran the member is left out (documents written before it existed stay the same).
        #expect(!JSONRenderer(sources: SourceManager()).render([]).contains("\"skipped\""))
    }

    @Test func sarifReportsSkipsAsNotificationsAndOverridesAndStaysValid() throws {
        let (fixture, diagnostics, skipped, rules) = skippedRun()
        let overrides = [RuleOverride(rule: "stripe-escape", enabled: true, level: .note), RuleOverride(rule: "unused", enabled: false)]
        let text = SARIFRenderer(sources: fixture.sources, rules: rules, skipped: skipped, overrides: overrides).render(diagnostics)
        try SchemaValidation.validateSARIF(text)

        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == true)
        let notifications = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notifications.count == 3)
        let first = notifications[0]
        #expect(first["level"] as? String == "note")
        #expect((first["message"] as? [String: Any])?["text"] as? String
            == "rule failover-capacity skipped: no service declares both `capacity` and `load`")
        let associated = try #require(first["associatedRule"] as? [String: Any])
        #expect(associated["id"] as? String == "failover-capacity")
        let ruleIDs = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]]
        let index = try #require(associated["index"] as? Int)
        #expect(ruleIDs?[index]["id"] as? String == "failover-capacity")
        let configured = try #require(invocation["ruleConfigurationOverrides"] as? [[String: Any]])
        #expect(configured.count == 2)
        #expect((configured[0]["configuration"] as? [String: Any])?["level"] as? String == "note")
        #expect((configured[1]["configuration"] as? [String: Any])?["enabled"] as? Bool == false)
        #expect((configured[1]["descriptor"] as? [String: Any])?["index"] == nil, "unused is not among the driver's rules here")

        // No skips and no overrides: no invocations at all, as before.
        let plain = SARIFRenderer(sources: fixture.sources, rules: rules).render(diagnostics)
        #expect(!plain.contains("invocations"))
    }

    @Test func githubEndsWithANoticePerSkip() {
        let (fixture, diagnostics, skipped, _) = skippedRun()
        let text = GitHubRenderer(sources: fixture.sources, skipped: skipped).render(diagnostics)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[1] == "::notice file=specs/shop.strata,title=failover-capacity skipped::rule failover-capacity skipped: no service declares both `capacity` and `load`")
    }

    @Test func junitMarksSkippedRulesSkippedUnlessTheyFailed() throws {
        let (fixture, diagnostics, skipped, rules) = skippedRun()
        let xml = JUnitRenderer(sources: fixture.sources, rules: rules, failurePolicy: .everyFinding, skipped: skipped).render(diagnostics)
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse(), "well-formed")
        #expect(parser.parserError == nil, "\(String(describing: parser.parserError))")
        #expect(xml.contains("""
                <testcase classname="specs/shop.strata" name="failover-capacity">
                  <skipped message="no service declares both `capacity` and `load`; service orders declares neither `capacity` nor &quot;load&quot;"/>
                </testcase>
            """))
        // stripe-escape failed, so it is a failure and its partial skip is listed in system-out.
        #expect(xml.contains("<system-out>skipped in part: service audit has no placement</system-out>"))
        #expect(xml.contains("<testsuites name=\"strata\" tests=\"\(rules.count)\" failures=\"1\" errors=\"0\" skipped=\"1\">"))

        // No rule ran: every rule (not the compiler's codes) is skipped.
        let none = [SkippedCheck(rule: nil, reason: "the spec has errors", file: "specs/shop.strata")]
        let all = JUnitRenderer(sources: fixture.sources, rules: rules, skipped: none).render([])
        #expect(all.contains("skipped=\"2\">"))
        #expect(!all.contains("name=\"E0103 unterminated-string\">"))
    }

    @Test func numbersAreWrittenInTheShortestExactForm() {
        #expect(JSONValue.number(400).text == "400\n")
        #expect(JSONValue.number(-0.0).text == "0\n")
        #expect(JSONValue.number(19.5).text == "19.5\n")
        #expect(JSONValue.number(0.1 + 0.2).text == "0.30000000000000004\n")
        #expect(JSONValue.number(.infinity).text == "null\n")
        #expect(JSONValue.number(1e20).text == "1e+20\n")
    }
}
