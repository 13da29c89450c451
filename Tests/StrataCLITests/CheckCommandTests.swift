import Foundation
import StrataTestSupport
import Testing

/// End-to-end tests of `strata check`: the built binary against spec files on disk.
@Suite struct CheckCommandTests {
    /// The reference spec, whose every statement is valid.
    static let shop = repositoryRoot.appendingPathComponent("specs/shop.strata")

    /// The reference spec with the string on its second line left unclosed: its only error.
    static let unterminated: String = {
        let text = (try? String(contentsOf: shop, encoding: .utf8)) ?? ""
        precondition(text.contains("  description \"Online shop\"\n"), "specs/shop.strata changed; update this test")
        return text.replacingOccurrences(of: "  description \"Online shop\"\n", with: "  description \"Online shop\n")
    }()

    @Test func referenceSpecIsCleanAndExitsZero() throws {
        let directory = try TemporaryDirectory()
        let spec = Self.shop.path
        let result = try StrataProcess.run(["check", spec], in: directory.url)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        // Every rule ran clean; failover-capacity lacks its inputs and says so.
        #expect(result.standardOutput.hasSuffix("\n0 errors, 0 warnings, 1 rule skipped\n"))
        #expect(result.standardOutput.split(separator: "\n").dropLast().allSatisfy { $0.hasPrefix(spec + ": note: rule failover-capacity skipped: ") })
        #expect(result.standardError.isEmpty)
    }

    @Test func syntaxErrorExitsOneAndPointsAtTheExactPosition() throws {
        let directory = try TemporaryDirectory()
        try directory.write("bad.strata", Self.unterminated)
        let result = try StrataProcess.run(["check", "bad.strata"], in: directory.url)
        #expect(result.status == 1)
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "bad.strata:2:15: error[E0103]: string is not closed before the end of the line")
        #expect(result.standardOutput.contains("""
              |
            2 |   description "Online shop
              |               ^^^^^^^^^^^^
            """))
        #expect(result.standardOutput.hasSuffix("\n1 error, 0 warnings\n"))
        #expect(!result.standardOutput.contains("\u{1B}["), "no colour when standard output is not a terminal")
    }

    @Test func syntaxErrorsFailEvenWithFailOnNone() throws {
        let directory = try TemporaryDirectory()
        try directory.write("bad.strata", Self.unterminated)
        let result = try StrataProcess.run(["check", "bad.strata", "--fail-on", "none"], in: directory.url)
        #expect(result.status == 1)
    }

    @Test func unreadableSpecExitsTwo() throws {
        let directory = try TemporaryDirectory()
        let missing = try StrataProcess.run(["check", "missing.strata"], in: directory.url)
        #expect(missing.status == 2)
        #expect(missing.standardError == "strata: error: cannot read missing.strata: No such file or directory\n")

        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("dir.strata"), withIntermediateDirectories: true)
        let isDirectory = try StrataProcess.run(["check", "dir.strata"], in: directory.url)
        #expect(isDirectory.status == 2)
        #expect(isDirectory.standardError.contains("cannot read dir.strata"))
    }

    @Test func usageErrorsExitTwo() throws {
        let directory = try TemporaryDirectory()
        try directory.write("bad.strata", Self.unterminated)
        for arguments in [
            ["check", "bad.strata", "--bogus"],
            ["check"],
            ["check", "bad.strata", "--format", "xml"],
            ["check", "bad.strata", "--fail-on", "sometimes"],
            ["check", "bad.strata", "--format", "json", "--format", "sarif"],
            ["check", "bad.strata", "--output", "x.json"],
            ["check", "bad.strata", "--format", "json", "--output", "x.json", "--output", "y.json"],
            ["check", "bad.strata", "--format", "json", "--output", "x", "--format", "sarif", "--output", "x"],
            ["check", "bad.strata", "--format", "json", "--output", "bad.strata"],
            ["frobnicate"],
        ] {
            let result = try StrataProcess.run(arguments, in: directory.url)
            #expect(result.status == 2, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("Error:") || result.standardError.contains("error:"), "\(arguments)")
            #expect(result.standardOutput.isEmpty, "\(arguments)")
        }
        #expect(directory.read("bad.strata") == Self.unterminated)
    }

    @Test func writesSeveralFormatsInOneRun() throws {
        let directory = try TemporaryDirectory()
        try directory.write("bad.strata", Self.unterminated)
        let result = try StrataProcess.run(
            ["check", "bad.strata", "--format", "json", "--output", "x.json", "--format", "sarif", "--output", "reports/y.sarif",
             "--format", "github"],
            in: directory.url)
        #expect(result.status == 1)
        #expect(result.standardOutput.hasPrefix("::error file=bad.strata,line=2,col=15,endLine=2,endColumn=27,title=E0103::"))

        let json = try #require(directory.read("x.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let diagnostics = try #require(report["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["id"] as? String == "E0103")
        #expect(diagnostics.first?["file"] as? String == "bad.strata")

        let sarif = try #require(directory.read("reports/y.sarif"))
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let results = (log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]
        #expect(results?.first?["ruleId"] as? String == "E0103")
    }

    @Test func outputBelongsToTheFormatBeforeIt() throws {
        let directory = try TemporaryDirectory()
        try directory.write("bad.strata", Self.unterminated)
        let result = try StrataProcess.run(
            ["check", "bad.strata", "--format", "text", "--format=junit", "-o", "junit.xml"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.standardOutput.hasPrefix("bad.strata:2:15: error[E0103]"))
        #expect(directory.read("junit.xml")?.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites") == true)
    }

    @Test func unwritableOutputExitsTwo() throws {
        let directory = try TemporaryDirectory()
        let spec = Self.shop.path
        try directory.write("plain-file", "")
        let result = try StrataProcess.run(["check", spec, "--format", "json", "--output", "plain-file/report.json"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("strata: error: cannot write plain-file/report.json:"))
    }

    @Test func outputIsByteIdenticalRunToRun() throws {
        let directory = try TemporaryDirectory()
        try directory.write("bad.strata", Self.unterminated + "service x {\n  replicas \"two\n}\n")
        for format in ["text", "json", "sarif", "github", "junit"] {
            let first = try StrataProcess.run(["check", "bad.strata", "--format", format], in: directory.url)
            let second = try StrataProcess.run(["check", "bad.strata", "--format", format], in: directory.url)
            #expect(first.status == 1)
            #expect(!first.standardOutput.isEmpty)
            #expect(first.standardOutput == second.standardOutput, "\(format)")
        }
    }

    @Test func helpAndVersionExitZero() throws {
        let directory = try TemporaryDirectory()
        let version = try StrataProcess.run(["--version"], in: directory.url)
        #expect(version.status == 0)
        #expect(version.standardOutput == "0.1.0\n")
        let help = try StrataProcess.run(["check", "--help"], in: directory.url)
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--format"))
        #expect(help.standardOutput.contains("--format sarif --output strata.sarif --format text"))
    }
}
