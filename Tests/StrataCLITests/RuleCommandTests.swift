import Foundation
import StrataTestSupport
import Testing

/// Specs derived from the reference spec, for the rule tests.
enum RuleSpecs {
    /// specs/shop.strata as it is.
    static let shop: String = (try? String(contentsOf: CheckCommandTests.shop, encoding: .utf8)) ?? ""

    static let usersStore = "    consistency eventual\n    replicas 3 across idc\n    replication async\n"

    /// users-db claims strong consistency but replicates asynchronously (quorums overlap, so async-strong is its only error).
    static let asyncStrong: String = {
        precondition(shop.contains(usersStore), "specs/shop.strata changed; update this test")
        return shop.replacingOccurrences(
            of: usersStore,
            with: "    consistency strong\n    replicas 3 across idc\n    replication async\n    quorum read 2 write 2\n")
    }()

    static let allowReason = "sessions cache; a lost write is re-sent by the client"

    /// ``asyncStrong`` with the finding allowed inside the store.
    static let allowed: String = {
        let store = "  store users-db {\n    engine redis\n"
        precondition(asyncStrong.contains(store), "specs/shop.strata changed; update this test")
        return asyncStrong.replacingOccurrences(of: store, with: store + "    allow async-strong \"\(allowReason)\"\n")
    }()

    /// 1-based line and column of the first `needle` in `text`.
    static func position(of needle: String, in text: String) -> (line: Int, column: Int) {
        let range = text.range(of: needle)!
        let before = text[..<range.lowerBound]
        let line = before.filter { $0 == "\n" }.count + 1
        let column = before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
        return (line, column)
    }

    /// A directory holding `name` with `text`.
    static func directory(_ name: String, _ text: String) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write(name, text)
        return directory
    }
}

/// `strata check` with the checker rules: findings, --disable, --severity, --fail-on, allow, skipped rules.
@Suite struct RuleCommandTests {
    @Test func referenceSpecPassesEveryRuleAndSaysWhatWasSkipped() throws {
        let directory = try RuleSpecs.directory("shop.strata", RuleSpecs.shop)
        let result = try StrataProcess.run(["check", "shop.strata"], in: directory.url)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(!result.standardOutput.contains("error["))
        #expect(!result.standardOutput.contains("warning["))
        // No service declares capacity and load: failover-capacity is reported skipped, never a pass.
        #expect(result.standardOutput.contains("shop.strata: note: rule failover-capacity skipped: no service declares both `capacity` and `load`\n"))
        #expect(result.standardOutput.hasSuffix("\n0 errors, 0 warnings, 1 rule skipped\n"))
        let strict = try StrataProcess.run(["check", "shop.strata", "--fail-on", "note"], in: directory.url)
        #expect(strict.status == 0, "skips are not findings")
    }

    @Test func ruleErrorExitsOneAtTheRightPosition() throws {
        let directory = try RuleSpecs.directory("bad.strata", RuleSpecs.asyncStrong)
        let result = try StrataProcess.run(["check", "bad.strata"], in: directory.url)
        #expect(result.status == 1)
        // users-db is the only store replicating asynchronously.
        let at = RuleSpecs.position(of: "async\n    quorum read 2", in: RuleSpecs.asyncStrong)
        let first = result.standardOutput.split(separator: "\n").first.map(String.init)
        #expect(first == "bad.strata:\(at.line):\(at.column): error[async-strong]: store `users-db` claims `consistency strong` but replicates asynchronously")
        #expect(result.standardOutput.contains("replication async\n   |                 ^^^^^"))
        #expect(result.standardOutput.hasSuffix("\n1 error, 0 warnings, 1 rule skipped\n"))
    }

    @Test func disableTurnsARuleOff() throws {
        let directory = try RuleSpecs.directory("bad.strata", RuleSpecs.asyncStrong)
        let result = try StrataProcess.run(["check", "bad.strata", "--disable", "async-strong"], in: directory.url)
        #expect(result.status == 0, "\(result.standardOutput)")
        #expect(!result.standardOutput.contains("async-strong"))
        // Disabled rules are no JUnit test case, and SARIF records the override.
        let junit = try StrataProcess.run(["check", "bad.strata", "--disable", "async-strong", "--format", "junit"], in: directory.url)
        #expect(!junit.standardOutput.contains("name=\"async-strong\""))
        #expect(junit.standardOutput.contains("name=\"quorum-overlap\"/>"))
        let sarif = try StrataProcess.run(["check", "bad.strata", "--disable", "async-strong", "--format", "sarif"], in: directory.url)
        let invocation = try #require(try SARIF(sarif.standardOutput).invocation)
        let overrides = try #require(invocation["ruleConfigurationOverrides"] as? [[String: Any]])
        #expect((overrides.first?["descriptor"] as? [String: Any])?["id"] as? String == "async-strong")
        #expect((overrides.first?["configuration"] as? [String: Any])?["enabled"] as? Bool == false)
    }

    @Test func severityChangesTheLevelAndFailOnDecides() throws {
        let directory = try RuleSpecs.directory("bad.strata", RuleSpecs.asyncStrong)
        let lowered = try StrataProcess.run(["check", "bad.strata", "--severity", "async-strong=warning"], in: directory.url)
        #expect(lowered.status == 0, "\(lowered.standardOutput)")
        #expect(lowered.standardOutput.contains(": warning[async-strong]: store `users-db`"))
        #expect(lowered.standardOutput.hasSuffix("\n0 errors, 1 warning, 1 rule skipped\n"))
        let failing = try StrataProcess.run(["check", "bad.strata", "--severity", "async-strong=warning", "--fail-on", "warning"], in: directory.url)
        #expect(failing.status == 1)
        let noted = try StrataProcess.run(["check", "bad.strata", "--severity", "async-strong=note", "--fail-on", "warning"], in: directory.url)
        #expect(noted.status == 0)
        let raised = try StrataProcess.run(["check", "bad.strata", "--disable", "async-strong", "--severity", "unused=error"], in: directory.url)
        #expect(raised.status == 0, "nothing is unused in the shop")
    }

    @Test func badRuleOptionsAreUsageErrorsWithASuggestion() throws {
        let directory = try RuleSpecs.directory("bad.strata", RuleSpecs.asyncStrong)
        let cases: [([String], String)] = [
            (["--disable", "async-strog"], "did you mean 'async-strong'?"),
            (["--disable", "no-such-rule"], "no rule is called 'no-such-rule'"),
            (["--disable", "E0103"], "is a compiler diagnostic, not a rule"),
            (["--severity", "asyncstrong=warning"], "did you mean 'async-strong'?"),
            (["--severity", "async-strong=fatal"], "'fatal' is not a level (use one of: error, warning, note)"),
            (["--severity", "async-strong"], "must be RULE=LEVEL"),
            (["--severity", "async-strong=note", "--severity", "async-strong=error"], "two levels"),
            (["--report", "--format", "sarif"], "--report is written to the text or json output"),
        ]
        for (arguments, message) in cases {
            let result = try StrataProcess.run(["check", "bad.strata"] + arguments, in: directory.url)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
            #expect(result.standardOutput.isEmpty, "\(arguments)")
        }
    }

    @Test func allowSuppressesAndEveryFormatSaysSo() throws {
        let directory = try RuleSpecs.directory("allowed.strata", RuleSpecs.allowed)
        let text = try StrataProcess.run(["check", "allowed.strata", "--fail-on", "note"], in: directory.url)
        #expect(text.status == 0, "suppressed findings never count: \(text.standardOutput)")
        #expect(!text.standardOutput.contains("async-strong]"))
        #expect(text.standardOutput.hasSuffix("\n0 errors, 0 warnings, 1 suppressed, 1 rule skipped\n"))

        let json = try StrataProcess.run(["check", "allowed.strata", "--format", "json"], in: directory.url)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        let suppressed = try #require(diagnostics.first { $0["id"] as? String == "async-strong" })
        #expect(suppressed["suppressed"] as? Bool == true)
        #expect((suppressed["suppression"] as? [String: Any])?["reason"] as? String == RuleSpecs.allowReason)
        #expect((document["summary"] as? [String: Any])?["suppressed"] as? Int == 1)
        #expect((document["summary"] as? [String: Any])?["errors"] as? Int == 0)

        let sarifResult = try StrataProcess.run(["check", "allowed.strata", "--format", "sarif"], in: directory.url)
        #expect(sarifResult.status == 0)
        try SchemaValidation.validateSARIF(sarifResult.standardOutput)
        let sarif = try SARIF(sarifResult.standardOutput)
        let result = try #require(sarif.results.first { $0["ruleId"] as? String == "async-strong" })
        #expect(result["level"] as? String == "error")
        let suppression = try #require((result["suppressions"] as? [[String: Any]])?.first)
        #expect(suppression["kind"] as? String == "inSource")
        #expect(suppression["justification"] as? String == RuleSpecs.allowReason)
        let allowAt = RuleSpecs.position(of: "allow async-strong", in: RuleSpecs.allowed)
        let region = ((suppression["location"] as? [String: Any])?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
        #expect(region?["startLine"] as? Int == allowAt.line)

        let github = try StrataProcess.run(["check", "allowed.strata", "--format", "github"], in: directory.url)
        #expect(!github.standardOutput.contains("title=async-strong"))
    }

    @Test func sarifCarriesRuleMetadataAndRealRegions() throws {
        let directory = try RuleSpecs.directory("bad.strata", RuleSpecs.asyncStrong)
        let output = try StrataProcess.run(["check", "bad.strata", "--format", "sarif"], in: directory.url)
        #expect(output.status == 1)
        try SchemaValidation.validateSARIF(output.standardOutput)
        let sarif = try SARIF(output.standardOutput)
        let rule = try #require(sarif.rules.first { $0["id"] as? String == "async-strong" })
        let help = try #require((rule["help"] as? [String: Any])?["text"] as? String)
        #expect(help.hasPrefix("Fires for a store that declares `consistency strong`"))
        #expect((rule["defaultConfiguration"] as? [String: Any])?["level"] as? String == "error")
        #expect(sarif.rules.contains { $0["id"] as? String == "survival" }, "every rule is described, not only those that fired")
        let result = try #require(sarif.results.first { $0["ruleId"] as? String == "async-strong" })
        let index = try #require(result["ruleIndex"] as? Int)
        #expect(sarif.rules[index]["id"] as? String == "async-strong")
        let at = RuleSpecs.position(of: "async\n    quorum read 2", in: RuleSpecs.asyncStrong)
        let region = (((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"]) as? [String: Int]
        #expect(region == ["startLine": at.line, "startColumn": at.column, "endLine": at.line, "endColumn": at.column + 5])
    }

    @Test func skippedRulesAppearInEveryFormat() throws {
        let directory = try RuleSpecs.directory("shop.strata", RuleSpecs.shop)
        let reason = "no service declares both `capacity` and `load`"

        let json = try StrataProcess.run(["check", "shop.strata", "--format", "json"], in: directory.url)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let skipped = try #require(document["skipped"] as? [[String: Any]])
        #expect(skipped.contains { $0["rule"] as? String == "failover-capacity" && $0["reason"] as? String == reason && $0["file"] as? String == "shop.strata" })

        let sarifOutput = try StrataProcess.run(["check", "shop.strata", "--format", "sarif"], in: directory.url)
        try SchemaValidation.validateSARIF(sarifOutput.standardOutput)
        let sarif = try SARIF(sarifOutput.standardOutput)
        let notifications = try #require(sarif.invocation?["toolExecutionNotifications"] as? [[String: Any]])
        let notification = try #require(notifications.first)
        #expect(notification["level"] as? String == "note")
        #expect((notification["message"] as? [String: Any])?["text"] as? String == "rule failover-capacity skipped: " + reason)
        let associated = try #require(notification["associatedRule"] as? [String: Any])
        let index = try #require(associated["index"] as? Int)
        #expect(sarif.rules[index]["id"] as? String == "failover-capacity")

        let github = try StrataProcess.run(["check", "shop.strata", "--format", "github"], in: directory.url)
        #expect(github.standardOutput.contains("::notice file=shop.strata,title=failover-capacity skipped::rule failover-capacity skipped: " + reason + "\n"))

        let junit = try StrataProcess.run(["check", "shop.strata", "--format", "junit"], in: directory.url)
        #expect(junit.standardOutput.contains("<testcase classname=\"shop.strata\" name=\"failover-capacity\">\n      <skipped message=\"" + reason))
        #expect(junit.standardOutput.contains("failures=\"0\" errors=\"0\" skipped=\"1\">"))
    }

    @Test func aSpecWithErrorsRunsNoRuleAndSaysSo() throws {
        let directory = try RuleSpecs.directory("bad.strata", CheckCommandTests.unterminated)
        let text = try StrataProcess.run(["check", "bad.strata"], in: directory.url)
        #expect(text.status == 1)
        #expect(text.standardOutput.hasSuffix("\nbad.strata: note: rules skipped: the spec has errors, so no rule ran\n1 error, 0 warnings\n"))
        let junit = try StrataProcess.run(["check", "bad.strata", "--format", "junit"], in: directory.url)
        #expect(junit.standardOutput.contains("<testcase classname=\"bad.strata\" name=\"survival\">\n      <skipped message=\"the spec has errors, so no rule ran\"/>"))
    }

    @Test func outputIsByteIdenticalRunToRun() throws {
        let directory = try RuleSpecs.directory("allowed.strata", RuleSpecs.allowed)
        try directory.write("bad.strata", RuleSpecs.asyncStrong)
        for format in ["text", "json", "sarif", "github", "junit"] {
            var arguments = ["check", "allowed.strata", "bad.strata", "--format", format, "--severity", "fanout-tail=note"]
            if format == "text" || format == "json" { arguments.append("--report") }
            let first = try StrataProcess.run(arguments, in: directory.url)
            let second = try StrataProcess.run(arguments, in: directory.url)
            #expect(first.status == 1)
            #expect(!first.standardOutput.isEmpty)
            #expect(first.standardOutput == second.standardOutput, "\(format)")
        }
    }
}

/// `strata explain` of checker rules.
@Suite struct ExplainRuleTests {
    @Test func explainsARuleWithItsDoc() throws {
        let directory = try TemporaryDirectory()
        let result = try StrataProcess.run(["explain", "async-strong"], in: directory.url)
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("async-strong: strong or session consistency with asynchronous replication\ndefault severity: error\n\nFires for a store"))
        let flat = result.standardOutput.replacingOccurrences(of: "\n", with: " ")
        #expect(flat.contains("Use `replication sync`"))
        #expect(result.standardOutput.split(separator: "\n").allSatisfy { $0.count <= 80 })
        let upper = try StrataProcess.run(["explain", "ASYNC-STRONG"], in: directory.url)
        #expect(upper.standardOutput == result.standardOutput)
        let typo = try StrataProcess.run(["explain", "asyn-strong"], in: directory.url)
        #expect(typo.status == 2)
        #expect(typo.standardError.contains("did you mean 'async-strong'?"))
    }

    @Test func listIncludesTheRules() throws {
        let directory = try TemporaryDirectory()
        let result = try StrataProcess.run(["explain", "--list"], in: directory.url)
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        for rule in ["single-instance", "survival", "async-strong", "failover-capacity", "slo", "unused"] {
            #expect(lines.contains { $0.hasPrefix(rule + " ") }, "\(rule)")
        }
        #expect(lines.contains { $0.hasPrefix("unused ") && $0.contains("  note     ") })
        let columns = Set(lines.map { $0.range(of: "  error  ")?.lowerBound.utf16Offset(in: $0) ?? $0.range(of: "  warning  ")?.lowerBound.utf16Offset(in: $0) ?? $0.range(of: "  note  ")?.lowerBound.utf16Offset(in: $0) ?? -1 })
        #expect(columns.count == 1, "severities are aligned")
    }
}

/// A parsed SARIF log's first run.
struct SARIF {
    let run: [String: Any]

    init(_ text: String) throws {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        run = try #require((log["runs"] as? [[String: Any]])?.first)
    }

    var rules: [[String: Any]] { ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? [] }
    var results: [[String: Any]] { run["results"] as? [[String: Any]] ?? [] }
    var invocation: [String: Any]? { (run["invocations"] as? [[String: Any]])?.first }
}
