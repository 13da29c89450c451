import Testing
import StrataDiagnostics
@testable import StrataSyntax

/// Parses `text` in a fresh source manager.
private func parse(_ text: String) -> (file: SourceFile, tree: SyntaxTree) {
    let file = source(text)
    return (file, Parser.parse(file))
}

/// A span as `line:col-line:col`.
private func position(_ span: Span, in file: SourceFile) -> String {
    "\(file.location(of: span.start))-\(file.location(of: span.end))"
}

@Suite struct ParserSmokeTests {
    @Test func parsesNestedBlocks() {
        let sources = SourceManager()
        let file = sources.add(path: "a.strata", text: "architecture a {\n  service s { replicas 2 per set }\n}\n")
        let tree = Parser.parse(file)
        #expect(tree.diagnostics.isEmpty)
        #expect(tree.statements.count == 1)
        #expect(tree.statements[0].block?.statements.first?.keyword == "service")
    }
}

/// The one statement shape, `keyword argument* block?`, and how statements end.
@Suite struct ParserShapeTests {
    @Test func everyArgumentKindAndNestedBlocks() {
        let (_, tree) = parse("""
            architecture a {
              service s { replicas 2 per set }
              route "/x" -> svc { timeout 900ms; retries 2 }
              latency { a <-> b 28ms }
              call users.get optional
              description "x\\ty"
            }
            """)
        #expect(tree.diagnostics.isEmpty)
        #expect(outline(tree.statements) == [
            "architecture a {",
            "  service s {",
            "    replicas #integer(2) per set",
            "  }",
            "  route \"/x\" -> svc {",
            "    timeout #duration(milliseconds: 900.0)",
            "    retries #integer(2)",
            "  }",
            "  latency {",
            "    a <-> b #duration(milliseconds: 28.0)",
            "  }",
            "  call users.get optional",
            "  description \"x\ty\"",
            "}",
        ])
        let call = tree.statements[0].block?.statements[3]
        #expect(call?.arguments.map(\.kind) == [.qualified(["users", "get"]), .word("optional")])
    }

    /// A statement ends at a line break, at `;`, or just before the `}` of its block.
    @Test func statementsEndAtLineBreaksSemicolonsAndClosingBraces() {
        let (_, tree) = parse("a 1; b 2\nc { d; e f }\n\n;;\ng {}")
        #expect(tree.diagnostics.isEmpty)
        #expect(outline(tree.statements) == ["a #integer(1)", "b #integer(2)", "c {", "  d", "  e f", "}", "g {", "}"])
    }

    /// Keywords are contextual: any word may follow a keyword, also one spelled like a keyword.
    @Test func namesMaySpellKeywords() {
        let (_, tree) = parse("service store { service 1 }")
        #expect(outline(tree.statements) == ["service store {", "  service #integer(1)", "}"])
    }

    @Test func spansOfStatementsBlocksAndArguments() throws {
        // service 0..<7, s 8..<9, { 10..<11 | replicas 14..<22, 2 23..<24, per 25..<28, set 29..<32 | } 33..<34
        let (file, tree) = parse("service s {\n  replicas 2 per set\n}\n")
        let service = try #require(tree.statements.first)
        let block = try #require(service.block)
        #expect(service.keywordSpan == span(0..<7))
        #expect(service.arguments.map(\.span) == [span(8..<9)])
        #expect(block.open == span(10..<11))
        #expect(block.close == span(33..<34))
        #expect(block.span == span(10..<34))
        #expect(service.span == span(0..<34))
        #expect(service.headSpan == span(0..<9))
        #expect(position(service.span, in: file) == "1:1-3:2")

        let replicas = try #require(block.statements.first)
        #expect(replicas.keywordSpan == span(14..<22))
        #expect(replicas.arguments.map(\.span) == [span(23..<24), span(25..<28), span(29..<32)])
        #expect(replicas.span == span(14..<32))
        #expect(replicas.headSpan == span(14..<32))
        #expect(position(replicas.span, in: file) == "2:3-2:21")
    }

    @Test func aStatementWithoutArgumentsSpansItsKeyword() throws {
        let (_, tree) = parse("  stateful\n")
        let statement = try #require(tree.statements.first)
        #expect(statement.span == span(2..<10))
        #expect(statement.headSpan == span(2..<10))
    }

    @Test func theTreeKeepsTheCommentsAndItsFile() {
        let (file, tree) = parse("a // one\n/* two */ b\n")
        #expect(tree.file == file.id)
        #expect(tree.comments == [
            Comment(span: span(2..<8), isBlock: false, startsLine: false),
            Comment(span: span(9..<18), isBlock: true, startsLine: true),
        ])
        #expect(outline(tree.statements) == ["a", "b"])
        #expect(!tree.hasErrors)
    }
}

/// After every error the parser skips to a recovery point and goes on, so one run reports them all.
@Suite struct ParserRecoveryTests {
    @Test func aStatementStartingWithAStringIsSkippedToItsLineEnd() throws {
        let (file, tree) = parse("\"oops\" x y\nservice a { replicas 1 }\n")
        #expect(describe(tree.diagnostics, in: file) == ["1:1-1:7 E0201 expected a statement keyword, found a string"])
        #expect(tree.diagnostics.first?.help == "a statement starts with a word, e.g. `service orders { ... }`")
        #expect(outline(tree.statements) == ["service a {", "  replicas #integer(1)", "}"])
    }

    /// What a statement may not start with, and where the parser picks up again.
    static let badStarts: [(text: String, diagnostic: String)] = [
        ("42 { a }\nb", "1:1-1:3 E0201 expected a statement keyword, found a number"),  // the whole block is skipped
        ("-> x\nb", "1:1-1:3 E0201 expected a statement keyword, found `->`"),
        ("<-> x; b", "1:1-1:4 E0201 expected a statement keyword, found `<->`"),
        ("{ a {} }\nb", "1:1-1:2 E0201 expected a statement keyword, found `{`"),
    ]

    @Test func badStatementStartsAreSkippedAndTheNextStatementParses() {
        for (text, diagnostic) in ParserRecoveryTests.badStarts {
            let (file, tree) = parse(text)
            #expect(describe(tree.diagnostics, in: file) == [diagnostic], "\(text)")
            #expect(outline(tree.statements) == ["b"], "\(text)")
        }
    }

    /// An invalid token is reported by the lexer only; the parser steps over it, so the rest of the line is a statement.
    @Test func anInvalidTokenAtAStatementStartIsSteppedOver() {
        let (file, tree) = parse("@ a\nb")
        #expect(describe(tree.diagnostics, in: file) == ["1:1-1:2 E0102 unexpected character `@`"])
        #expect(outline(tree.statements) == ["a", "b"])
    }

    /// A malformed argument stays in place as `.invalid`, so readers do not also report it missing.
    @Test func anInvalidArgumentIsKept() throws {
        let (file, tree) = parse("replicas 2 @ per set\nbudget 5sec")
        #expect(describe(tree.diagnostics, in: file) == ["1:12-1:13 E0102 unexpected character `@`", "2:9-2:12 E0106 unknown unit `sec` after number"])
        #expect(outline(tree.statements) == ["replicas #integer(2) <invalid> per set", "budget <invalid>"])
        #expect(tree.statements[1].arguments.map(\.span) == [span(28..<32)])
    }

    @Test func aStrayClosingBraceAtTheTopLevel() {
        let (file, tree) = parse("a\n}\nb")
        #expect(describe(tree.diagnostics, in: file) == ["2:1-2:2 E0203 `}` does not close any block"])
        #expect(outline(tree.statements) == ["a", "b"])
    }

    @Test func oneClosingBraceTooMany() {
        let (file, tree) = parse("a {\n}\n}\nb")
        #expect(describe(tree.diagnostics, in: file) == ["3:1-3:2 E0203 `}` does not close any block"])
        #expect(outline(tree.statements) == ["a {", "}", "b"])
    }

    /// Blocks still open at the end of the file are reported innermost first, each at its `{`.
    @Test func missingClosingBracesAtTheEndOfTheFile() throws {
        // a 0, { 2 | b 6, 1 8 | c 12, { 14
        let (file, tree) = parse("a {\n  b 1\n  c {\n")
        #expect(describe(tree.diagnostics, in: file) == ["3:5-3:6 E0202 this `{` is never closed", "1:3-1:4 E0202 this `{` is never closed"])
        #expect(tree.diagnostics.map(\.primary.message) == ["block opened here", "block opened here"])
        #expect(tree.diagnostics.map(\.help) == ["add `}` to close the block", "add `}` to close the block"])
        #expect(outline(tree.statements) == ["a {", "  b #integer(1)", "  c {", "  } (unclosed)", "} (unclosed)"])
        // Without its `}`, a statement ends at its `{`.
        let a = try #require(tree.statements.first)
        #expect(a.block?.close == nil)
        #expect(a.span == span(0..<3))
    }

    /// A `}` missing in the middle closes the inner block with the outer one's brace; the outer one stays open.
    @Test func unbalancedBracesAttachTheRestToTheOuterBlock() {
        let (file, tree) = parse("a {\n  b {\n}\nc\n")
        #expect(describe(tree.diagnostics, in: file) == ["1:3-1:4 E0202 this `{` is never closed"])
        #expect(outline(tree.statements) == ["a {", "  b {", "  }", "  c", "} (unclosed)"])
    }

    /// After a block's `}` the statement must end; the rest of the line is skipped, blocks included.
    static let afterBlock: [(text: String, diagnostic: String)] = [
        ("a { } b\nc", "1:7-1:8 E0201 expected a new line or `;` after `}`, found `b`"),
        ("a { } { x { } }\nc", "1:7-1:8 E0201 expected a new line or `;` after `}`, found `{`"),
        ("a {} 5ms; c", "1:6-1:9 E0201 expected a new line or `;` after `}`, found a number"),
        ("a {} \"s\"\nc", "1:6-1:9 E0201 expected a new line or `;` after `}`, found a string"),
    ]

    @Test func somethingAfterABlockOnTheSameLine() {
        for (text, diagnostic) in ParserRecoveryTests.afterBlock {
            let (file, tree) = parse(text)
            #expect(describe(tree.diagnostics, in: file) == [diagnostic], "\(text)")
            #expect(tree.diagnostics.map(\.help) == ["start the next statement on its own line"], "\(text)")
            #expect(outline(tree.statements) == ["a {", "}", "c"], "\(text)")
        }
    }

    /// Lexical errors come first, then syntax errors, each in source order; every statement that can be read is.
    @Test func everyErrorOfAFileIsReportedInOneRun() {
        // a 0, "unclosed 2..<11 | } 12 | b 14, @ 16 | x 18, 5sec 20..<24 | d 25 {
        let (file, tree) = parse("a \"unclosed\n}\nb @\nx 5sec\nd {")
        #expect(describe(tree.diagnostics, in: file) == [
            "1:3-1:12 E0103 string is not closed before the end of the line",
            "3:3-3:4 E0102 unexpected character `@`",
            "4:4-4:7 E0106 unknown unit `sec` after number",
            "2:1-2:2 E0203 `}` does not close any block",
            "5:3-5:4 E0202 this `{` is never closed",
        ])
        #expect(outline(tree.statements) == ["a <invalid>", "b <invalid>", "x <invalid>", "d {", "} (unclosed)"])
        #expect(tree.hasErrors)
    }
}

/// Blocks nest at most ``Parser/maxDepth`` deep; deeper blocks are skipped and reported once.
@Suite struct ParserDepthTests {
    /// `b0 { b1 { ... } }` with `levels` blocks around `inner`.
    static func nested(_ inner: String, levels: Int) -> String {
        (0..<levels).map { "b\($0) {\n" }.joined() + inner + String(repeating: "}\n", count: levels)
    }

    /// The outline of ``nested(_:levels:)`` with `inner` lines inside.
    static func nestedOutline(_ inner: [String], levels: Int) -> [String] {
        let indent = { (level: Int) in String(repeating: "  ", count: level) }
        let open = (0..<levels).map { indent($0) + "b\($0) {" }
        let close = (0..<levels).reversed().map { indent($0) + "}" }
        return open + inner.map { indent(levels) + $0 } + close
    }

    /// 63 blocks around `leaf { x }`: 64 levels.
    @Test func sixtyFourLevelsParse() {
        let (_, tree) = parse(ParserDepthTests.nested("leaf { x }\n", levels: Parser.maxDepth - 1))
        #expect(tree.diagnostics.isEmpty)
        #expect(outline(tree.statements) == ParserDepthTests.nestedOutline(["leaf {", "  x", "}"], levels: Parser.maxDepth - 1))
    }

    @Test func theSixtyFifthLevelIsSkippedAndReportedOnce() throws {
        // 64 blocks around two more: both are the 65th level.
        let text = ParserDepthTests.nested("deep { x }\nalso { y }\n", levels: Parser.maxDepth)
        let (file, tree) = parse(text)
        let deepBrace = try #require(text.utf8.firstIndex(of: UInt8(ascii: "x")).map { text.utf8.distance(from: text.utf8.startIndex, to: $0) - 2 })
        #expect(tree.diagnostics.map(\.id) == ["E0204"])
        #expect(tree.diagnostics.map(\.message) == ["blocks nest deeper than 64 levels"])
        #expect(tree.diagnostics.map(\.primary.span) == [span(deepBrace..<deepBrace + 1)])
        #expect(tree.diagnostics.map(\.notes) == [["the contents of this block are skipped"]])
        #expect(position(span(deepBrace..<deepBrace + 1), in: file) == "65:6-65:7")  // line 65: `deep { x }`
        #expect(outline(tree.statements) == ParserDepthTests.nestedOutline(["deep", "also"], levels: Parser.maxDepth))
    }

    /// A too-deep block never closed: the skip reaches the end of the file and reports it, then every open block.
    @Test func anUnclosedTooDeepBlock() {
        let text = (0..<Parser.maxDepth).map { "b\($0) {\n" }.joined() + "deep {\n"
        let (_, tree) = parse(text)
        #expect(tree.diagnostics.map(\.id) == ["E0204", "E0202"] + Array(repeating: "E0202", count: Parser.maxDepth))
        // The first two point at deep's `{`, the others at b63's ... b0's.
        let deepBrace = text.utf8.count - 2
        #expect(tree.diagnostics.prefix(2).map(\.primary.span) == [span(deepBrace..<deepBrace + 1), span(deepBrace..<deepBrace + 1)])
        #expect(tree.diagnostics.last?.primary.span == span(3..<4))  // `b0 {`
    }
}
