import Foundation
import Testing
import StrataDiagnostics
import StrataTestSupport
@testable import StrataSyntax

/// Parses `text` and formats it; records an issue when the input has syntax errors.
private func format(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    let sources = SourceManager()
    let file = sources.add(path: "input.strata", text: text)
    let tree = Parser.parse(file)
    #expect(!tree.hasErrors, "input has syntax errors: \(tree.diagnostics.map(\.message))", sourceLocation: sourceLocation)
    return StrataSyntax.Formatter.format(tree, source: file)
}

/// Every comment's text in `text`, normalised the way the formatter keeps it
/// (trailing whitespace removed from each line, CRLF read as LF).
private func commentTexts(_ text: String) -> [String] {
    let sources = SourceManager()
    let file = sources.add(path: "input.strata", text: text)
    return Parser.parse(file).comments.map { comment in
        file.text(comment.span).replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).strippingTrailingWhitespace() }
            .joined(separator: "\n")
    }
}

/// Formats `input`, compares with `expected`, then checks idempotence and that no comment was lost.
private func check(_ input: String, _ expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let once = format(input, sourceLocation: sourceLocation)
    #expect(once == expected, sourceLocation: sourceLocation)
    let twice = format(once, sourceLocation: sourceLocation)
    #expect(twice == once, "formatting is not idempotent", sourceLocation: sourceLocation)
    let kept = commentTexts(once)
    let original = commentTexts(input)
    #expect(kept == original, "comments were lost or reordered", sourceLocation: sourceLocation)
    #expect(structure(once) == structure(input), "statements changed", sourceLocation: sourceLocation)
}

/// The statements of `text` (keywords, argument texts, block nesting) without layout or comments.
private func structure(_ text: String) -> [String] {
    let sources = SourceManager()
    let file = sources.add(path: "input.strata", text: text)
    var out: [String] = []
    var stack: [(statements: [Statement], next: Int)] = [(Parser.parse(file).statements, 0)]
    while let top = stack.last {
        guard top.next < top.statements.count else {
            stack.removeLast()
            out.append("}")
            continue
        }
        let statement = top.statements[top.next]
        stack[stack.count - 1].next += 1
        out.append(([statement.keyword] + statement.arguments.map { file.text($0.span) }).joined(separator: " "))
        if let block = statement.block {
            out.append("{")
            stack.append((block.statements, 0))
        }
    }
    return out
}

/// A small deterministic random number generator (SplitMix64), so failures reproduce.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476C_E484_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random but valid spec text with messy spacing, separators, block layouts and comments everywhere.
private struct MessySpecGenerator {
    var random: SeededGenerator
    var commentNumber = 0

    mutating func pick<T>(_ options: [T]) -> T { options[Int(random.next() % UInt64(options.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    mutating func space() -> String { pick([" ", " ", "  ", "\t", "   "]) }

    /// A comment that may sit between tokens on one line.
    mutating func inlineComment() -> String {
        commentNumber += 1
        return pick(["/* c\(commentNumber) */", "/*c\(commentNumber)*/", "/* c\(commentNumber) ✓ */"])
    }

    /// What ends a statement: a line break (possibly with comments and blank lines) or `;`.
    mutating func separator() -> String {
        var text = chance(20) ? space() : ""
        if chance(25) { text += inlineComment() + (chance(50) ? space() : "") }
        if chance(25) {
            commentNumber += 1
            text += pick(["// c\(commentNumber)", "//c\(commentNumber)  ", "/* c\(commentNumber)\n   more \n*/"])
        }
        text += pick(["\n", "\n", "\r\n", ";", "; ", "\n\n", "\n \n\n", ";\n"])
        if chance(15) {
            commentNumber += 1
            text += space() + pick(["// own c\(commentNumber)\n", "/* own c\(commentNumber) */\n", "/* own\n c\(commentNumber) */\n"])
        }
        return text
    }

    mutating func argument() -> String {
        pick(["orders", "users.get", "\"/api/x\"", "\"q\\\"\\n\\u{1F600}\"", "80ms", "0.20ms", "99.95%", "2000/s", "2..10", "->", "<->", "3", "x-user-id"])
    }

    mutating func statement(depth: Int) -> String {
        var text = pick(["service", "replicas", "call", "route", "idc", "a", "b-c"])
        for _ in 0..<(random.next() % 4) {
            text += space()
            if chance(10) { text += inlineComment() + space() }
            text += argument()
        }
        if depth < 6, chance(35) {
            text += pick(["", " ", "  "]) + "{" + (chance(20) ? space() + inlineComment() : "")
            let count = Int(random.next() % 4)
            let oneLine = chance(50)
            text += oneLine ? " " : "\n"
            for _ in 0..<count {
                text += statement(depth: depth + 1)
                text += oneLine ? pick([";", "; ", " ;"]) : separator()
            }
            text += (chance(20) ? space() : "") + "}"
        }
        return text
    }

    mutating func file() -> String {
        var text = chance(30) ? "\n\n" : ""
        for _ in 0..<(1 + random.next() % 6) { text += statement(depth: 0) + separator() }
        if chance(30) { text += "\n// the end" + (chance(50) ? "\n" : "") }
        return text
    }
}

/// Every `.strata` file under `specs/`.
private func specFiles() -> [URL] {
    let specs = repositoryRoot.appendingPathComponent("specs").resolvingSymlinksInPath()
    guard let walker = FileManager.default.enumerator(at: specs, includingPropertiesForKeys: nil) else { return [] }
    return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "strata" }.sorted { $0.path < $1.path }
}

@Suite struct FormatterLayoutTests {
    @Test func normalisesSpacingAndIndentation() {
        check(
            "architecture   shop{\n\t service orders   {\n replicas  3   per set\n        }\n}",
            """
            architecture shop {
              service orders {
                replicas 3 per set
              }
            }

            """)
    }

    @Test func arrowsGetSpacesAndArgumentsKeepTheirSourceText() {
        check(
            "route \"/api/a\"->a\nlatency { shanghai<->shenzhen 28ms }\nx \"tab\\there \\\"q\\\" \\\\ \\u{1F600}\" 0.20ms 99.950% 2000/s 300/m 2..10 250us\n",
            """
            route "/api/a" -> a
            latency { shanghai <-> shenzhen 28ms }
            x "tab\\there \\"q\\" \\\\ \\u{1F600}" 0.20ms 99.950% 2000/s 300/m 2..10 250us

            """)
    }

    @Test func semicolonsBecomeLineBreaksOutsideOneLineBlocks() {
        check(
            "a 1; b 2 ;c 3\ns {\n  x 1; y 2\n}\n",
            """
            a 1
            b 2
            c 3
            s {
              x 1
              y 2
            }

            """)
    }

    @Test func oneLineBlocksStayOnOneLine() {
        check(
            "idc sh-a {racks 2}\ncdn {   path \"/static/*\" ;  ttl 1h;}\nroute \"/x\" -> x { timeout 1s retries 2 }\n",
            """
            idc sh-a { racks 2 }
            cdn { path "/static/*"; ttl 1h }
            route "/x" -> x { timeout 1s retries 2 }

            """)
    }

    @Test func blocksWrittenOverSeveralLinesStayMultiLine() {
        check(
            "idc sh-a { racks 2\n}\nb {\n  c 1 }\n",
            """
            idc sh-a {
              racks 2
            }
            b {
              c 1
            }

            """)
    }

    @Test func oneLineBlockWithANestedBlockBecomesMultiLine() {
        check(
            "gateway g { route \"/x\" -> x { timeout 1s }; auth jwt }\n",
            """
            gateway g {
              route "/x" -> x { timeout 1s }
              auth jwt
            }

            """)
    }

    @Test func emptyBlocksPrintAsBraces() {
        check(
            "a {}\nb {\n\n}\nc {   }\nd { e {\n} }\n",
            """
            a {}
            b {}
            c {}
            d {
              e {}
            }

            """)
    }

    @Test func deepNesting() {
        let depth = Parser.maxDepth
        var input = ""
        for i in 0..<depth { input += "b\(i) {\n" }
        input += "leaf 1\n"
        for _ in 0..<depth { input += "}\n" }
        var expected = ""
        for i in 0..<depth { expected += String(repeating: "  ", count: i) + "b\(i) {\n" }
        expected += String(repeating: "  ", count: depth) + "leaf 1\n"
        for i in (0..<depth).reversed() { expected += String(repeating: "  ", count: i) + "}\n" }
        check(input, expected)
        // The same nesting written on one line: only the innermost block stays inline.
        let oneLine = (0..<depth).map { "b\($0) { " }.joined() + "leaf 1" + String(repeating: " }", count: depth) + "\n"
        let formatted = format(oneLine)
        #expect(formatted.contains(String(repeating: "  ", count: depth - 1) + "b\(depth - 1) { leaf 1 }\n"))
        #expect(format(formatted) == formatted)
    }

    @Test func blankLines() {
        check(
            "\n\n\na 1\n\n\n\nb 2\nc 3\n\n  \t\nd {\n\n  e 1\n\n\n  f 2\n\n}\n\n\n",
            """
            a 1

            b 2
            c 3

            d {
              e 1

              f 2
            }

            """)
    }

    @Test func blankLineBetweenCommentAndStatementIsKept() {
        check(
            "// header\n\n\na 1\n// about b\nb 2\n",
            """
            // header

            a 1
            // about b
            b 2

            """)
    }

    @Test func fileEndsWithExactlyOneNewline() {
        #expect(format("a 1") == "a 1\n")
        #expect(format("a 1\n\n\n") == "a 1\n")
        #expect(format("") == "")
        #expect(format("\n \n\t\n") == "")
    }

    @Test func crlfInputKeepsCRLFLineBreaks() {
        check(
            "a {\r\n   b 1  \r\n\r\n\r\n  /* x  \r\n  y */\r\n  c \"s\" // note  \r\n}\r\n",
            "a {\r\n  b 1\r\n\r\n  /* x\r\n  y */\r\n  c \"s\"  // note\r\n}\r\n")
    }

    @Test func byteOrderMarkIsKept() {
        #expect(format("\u{FEFF}a   1\n") == "\u{FEFF}a 1\n")
    }

    @Test func refusesTreesWithSyntaxErrors() {
        let sources = SourceManager()
        let text = "a {\n  b \"unterminated\n"
        let file = sources.add(path: "bad.strata", text: text)
        let tree = Parser.parse(file)
        #expect(tree.hasErrors)
        #expect(StrataSyntax.Formatter.format(tree, source: file) == text)
    }
}

@Suite struct FormatterCommentTests {
    @Test func ownLineCommentsStayBeforeTheirStatement() {
        check(
            "// top\narchitecture a {\n      // about s\n   /* block */\n service s {\n // inside\n replicas 1\n }\n}\n",
            """
            // top
            architecture a {
              // about s
              /* block */
              service s {
                // inside
                replicas 1
              }
            }

            """)
    }

    @Test func trailingCommentsGetTwoSpaces() {
        check(
            "a 1// one\nb 2     /* two */\nc {   // three\n  d 1\n}    // four\n",
            """
            a 1  // one
            b 2  /* two */
            c {  // three
              d 1
            }  // four

            """)
    }

    @Test func trailingCommentsOfConsecutiveLinesAreAligned() {
        check(
            """
            service orders {
              stateful    // a
              key "x-user-id" // b
              cap ap // c
              replicas 3 per set
              scale 3..12 per set cpu 70% // d
              load 5000/s        // e

              work 1ms // f
              endpoint e { budget 1ms } // g
            }

            """,
            """
            service orders {
              stateful         // a
              key "x-user-id"  // b
              cap ap           // c
              replicas 3 per set
              scale 3..12 per set cpu 70%  // d
              load 5000/s                  // e

              work 1ms                   // f
              endpoint e { budget 1ms }  // g
            }

            """)
    }

    @Test func alignmentRunsStopAtIndentationChanges() {
        check(
            "a { // x\n  bb 1 // y\n  c 2 // z\n} // w\n",
            """
            a {  // x
              bb 1  // y
              c 2   // z
            }  // w

            """)
    }

    @Test func commentsBeforeClosingBraceStayInside() {
        check(
            "a {\n  b 1\n\n  // end of a\n\n}\nc {\n  // only a comment\n}\n",
            """
            a {
              b 1

              // end of a
            }
            c {
              // only a comment
            }

            """)
    }

    @Test func commentsAtEndOfFileStay() {
        check(
            "a 1\n\n// bye\n/* really */\n",
            """
            a 1

            // bye
            /* really */

            """)
        check("// only\n", "// only\n")
        check("/* only */", "/* only */\n")
    }

    @Test func commentsBetweenArgumentsMoveToTheEnd() {
        check(
            "call /* who */ users.get timeout /* how long */ 60ms // why\nservice s /* before brace */ { r 1 }\n",
            """
            call users.get timeout 60ms  /* who */ /* how long */ // why
            service s { r 1 }            /* before brace */

            """)
    }

    @Test func commentInsideOneLineBlockMakesItMultiLine() {
        check(
            "idc a { racks 2 /* two */ }\ncdn { /* c */ }\n",
            """
            idc a {
              racks 2  /* two */
            }
            cdn {  /* c */
            }

            """)
    }

    @Test func commentsOnOneLineStayTogether() {
        check(
            "  /* a */ /* b */   // c\nx 1 /* d */  /* e */\n",
            """
            /* a */ /* b */ // c
            x 1  /* d */ /* e */

            """)
    }

    @Test func commentBeforeStatementOnSameLineMovesAbove() {
        check(
            "a {\n  /* lead */ b 1\n}\n",
            """
            a {
              /* lead */
              b 1
            }

            """)
    }

    @Test func commentAfterSemicolonTrailsThePreviousStatement() {
        check(
            "a 1; /* of a */ b 2\n",
            """
            a 1  /* of a */
            b 2

            """)
    }

    @Test func multiLineBlockCommentsAreVerbatim() {
        check(
            "a {\n        /* first\n     * second   \n         third */\n  b 1 /* tail\n   more */ // after\n  c 2\n}\n",
            """
            a {
              /* first
                 * second
                     third */
              b 1  /* tail
               more */ // after
              c 2
            }

            """)
    }

    @Test func multiLineTrailingCommentEndsAnAlignmentRun() {
        check(
            "a {\n  bbbbbb 1 // x\n  c 1 /* y\n z */\n  d 1 // w\n  eeee 1 // v\n}\n",
            """
            a {
              bbbbbb 1  // x
              c 1  /* y
             z */
              d 1     // w
              eeee 1  // v
            }

            """)
    }

    @Test func commentsWithUnicodeAndTabsAreKept() {
        check("a 1 // 注释 ✓\t\n/*\tx\t*/\n", "a 1  // 注释 ✓\n/*\tx\t*/\n")
    }
}

@Suite struct FormatterSpecTests {
    @Test func referenceSpecIsCanonical() throws {
        let url = repositoryRoot.appendingPathComponent("specs/shop.strata")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(format(text) == text)
    }

    @Test func everySpecFormatsIdempotentlyAndKeepsItsComments() throws {
        let files = specFiles()
        #expect(!files.isEmpty)
        for url in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            let sources = SourceManager()
            let file = sources.add(path: url.path, text: text)
            let tree = Parser.parse(file)
            if tree.hasErrors { continue }  // specs with deliberate syntax errors are not formattable
            let once = StrataSyntax.Formatter.format(tree, source: file)
            #expect(format(once) == once, "not idempotent: \(url.lastPathComponent)")
            #expect(commentTexts(once) == commentTexts(text), "comments changed: \(url.lastPathComponent)")
        }
    }

    @Test func randomMessyInputs() {
        var generator = MessySpecGenerator(random: SeededGenerator(state: 20_260_101))
        var checked = 0
        for _ in 0..<3000 {
            let input = generator.file()
            let sources = SourceManager()
            let file = sources.add(path: "random.strata", text: input)
            let tree = Parser.parse(file)
            guard !tree.hasErrors else { continue }
            checked += 1
            let once = StrataSyntax.Formatter.format(tree, source: file)
            let twice = format(once)
            #expect(twice == once, "not idempotent for input \(input.debugDescription)")
            #expect(commentTexts(once) == commentTexts(input), "comments changed for input \(input.debugDescription)")
            #expect(structure(once) == structure(input), "statements changed for input \(input.debugDescription)")
            #expect(!once.split(separator: "\n", omittingEmptySubsequences: false).contains { $0.hasSuffix(" ") || $0.hasSuffix("\t") })
            if twice != once { break }
        }
        #expect(checked > 1000)
    }

    @Test func largeInputIsFast() {
        var text = ""
        for i in 0..<5000 {
            text += "service s\(i) { // c\(i)\n  replicas 3 per set\n  endpoint e GET \"/p/\(i)\" { budget 10ms; work 1ms }\n}\n\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        let formatted = format(text)
        #expect(clock.now - start < .seconds(5))
        #expect(formatted.hasPrefix("service s0 {  // c0\n  replicas 3 per set\n"))
    }
}
