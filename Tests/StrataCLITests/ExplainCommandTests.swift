import Foundation
import Testing
import StrataModel

/// End-to-end tests of `strata explain`.
@Suite struct ExplainCommandTests {
    @Test func explainsByCodeOrName() throws {
        let directory = try TemporaryDirectory()
        let byCode = try StrataProcess.run(["explain", "E0103"], in: directory.url)
        #expect(byCode.status == 0)
        #expect(byCode.standardOutput == """
            E0103 unterminated-string: string literal is not closed
            default severity: error

            A string starts with `"` and must end with `"` on the same line. Write a newline
            inside a string as `\\n`.

            help: close the string with `"`

            """)
        let byName = try StrataProcess.run(["explain", "unterminated-string"], in: directory.url)
        #expect(byName.status == 0)
        #expect(byName.standardOutput == byCode.standardOutput)
        let lowercase = try StrataProcess.run(["explain", "e0103"], in: directory.url)
        #expect(lowercase.standardOutput == byCode.standardOutput)
    }

    @Test func unknownIdExitsTwoAndSaysHowToListThem() throws {
        let directory = try TemporaryDirectory()
        let result = try StrataProcess.run(["explain", "unterminated-strng"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError == """
            strata: error: unknown diagnostic code, rule name or statement 'unterminated-strng'; did you mean 'unterminated-string'?
            Run 'strata explain --list' to see every code and name.

            """)
        let nothingClose = try StrataProcess.run(["explain", "zzz"], in: directory.url)
        #expect(nothingClose.status == 2)
        #expect(nothingClose.standardError.contains("strata explain --list"))
    }

    /// A statement keyword is explained from the resolver's statement tables, in every block that accepts it.
    @Test func aStatementKeywordShowsItsUsageFromTheStatementTables() throws {
        let directory = try TemporaryDirectory()
        let result = try StrataProcess.run(["explain", "replicas"], in: directory.url)
        #expect(result.status == 0)
        let blocks = StatementCatalogue.statement(named: "replicas")
        #expect(blocks.count >= 2)
        #expect(result.standardOutput.hasPrefix("statement `replicas`\n"))
        for entry in blocks {
            #expect(result.standardOutput.contains("in `\(entry.block)`: \(entry.summary)\n"))
            #expect(result.standardOutput.contains("  usage:    \(entry.usage)\n"))
            #expect(result.standardOutput.contains("  example:  \(entry.example)\n"))
        }
        // A name that is a rule and a keyword explains the rule.
        let auth = try StrataProcess.run(["explain", "auth"], in: directory.url)
        #expect(auth.standardOutput.hasPrefix("auth: "))
    }

    @Test func listsEveryEntry() throws {
        let directory = try TemporaryDirectory()
        let result = try StrataProcess.run(["explain", "--list"], in: directory.url)
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count >= 26)
        #expect(lines.contains { $0.hasPrefix("E0103  unterminated-string ") && $0.hasSuffix("  error    string literal is not closed") })
    }

    @Test func needsExactlyOneOfIdAndList() throws {
        let directory = try TemporaryDirectory()
        #expect(try StrataProcess.run(["explain"], in: directory.url).status == 2)
        #expect(try StrataProcess.run(["explain", "E0103", "--list"], in: directory.url).status == 2)
    }
}
