import Testing
import StrataDiagnostics
@testable import StrataSyntax

/// Lexes `text` (or raw bytes) in a fresh source manager.
private func lex(_ text: String) -> (file: SourceFile, output: Lexer.Output) {
    let file = source(text)
    return (file, Lexer.lex(file))
}

private func lex(bytes: [UInt8]) -> (file: SourceFile, output: Lexer.Output) {
    let file = source(bytes: bytes)
    return (file, Lexer.lex(file))
}

/// Every token kind, with its exact byte span.
@Suite struct LexerTokenTests {
    @Test func punctuationArrowsWordsNewlineAndEndOfFile() {
        let (_, out) = lex("a{b;c}->d<->e\n")
        #expect(out.tokens == [
            token(.word("a"), 0..<1), token(.leftBrace, 1..<2), token(.word("b"), 2..<3), token(.semicolon, 3..<4),
            token(.word("c"), 4..<5), token(.rightBrace, 5..<6), token(.arrow, 6..<8), token(.word("d"), 8..<9),
            token(.biArrow, 9..<12), token(.word("e"), 12..<13), token(.newline, 13..<14), token(.endOfFile, 14..<14),
        ])
        #expect(out.diagnostics.isEmpty)
        #expect(out.comments.isEmpty)
    }

    @Test func wordsTakeLettersDigitsDashesUnderscoresAndQualifiedParts() {
        let (_, out) = lex("_x9 a-b_c GET users.get a.b.c")
        #expect(out.tokens == [
            token(.word("_x9"), 0..<3), token(.word("a-b_c"), 4..<9), token(.word("GET"), 10..<13),
            token(.word("users.get"), 14..<23), token(.word("a.b.c"), 24..<29), token(.endOfFile, 29..<29),
        ])
        #expect(out.diagnostics.isEmpty)
    }

    /// `-` directly before `>` belongs to the arrow, not to the word (`a-->b` is `a-`, `->`, `b`).
    @Test func aDashBeforeGreaterThanStartsAnArrow() {
        #expect(lex("a->b").output.tokens == [token(.word("a"), 0..<1), token(.arrow, 1..<3), token(.word("b"), 3..<4), token(.endOfFile, 4..<4)])
        #expect(lex("a-->b").output.tokens == [token(.word("a-"), 0..<2), token(.arrow, 2..<4), token(.word("b"), 4..<5), token(.endOfFile, 5..<5)])
    }

    /// A `.` joins two words only when a word starts right after it.
    @Test func aDotNotFollowedByAWordIsAnUnexpectedCharacter() {
        let (file, out) = lex("a.1")
        #expect(out.tokens == [token(.word("a"), 0..<1), token(.invalid, 1..<2), token(.number(.integer(1)), 2..<3), token(.endOfFile, 3..<3)])
        #expect(describe(out.diagnostics, in: file) == ["1:2-1:3 E0102 unexpected character `.`"])
    }

    @Test func consecutiveLineBreaksAreOneNewlineTokenAtTheFirstBreak() {
        let (_, out) = lex("a\n\n\nb\r\nc")
        #expect(out.tokens == [
            token(.word("a"), 0..<1), token(.newline, 1..<2), token(.word("b"), 4..<5),
            token(.newline, 6..<7), token(.word("c"), 7..<8), token(.endOfFile, 8..<8),
        ])
    }

    @Test func aByteOrderMarkAtTheStartIsSkipped() {
        let out = lex(bytes: [0xEF, 0xBB, 0xBF] + Array("a".utf8)).output
        #expect(out.tokens == [token(.word("a"), 3..<4), token(.endOfFile, 4..<4)])
        #expect(out.diagnostics.isEmpty)
    }

    @Test func emptyInputIsJustEndOfFile() {
        #expect(lex("").output.tokens == [token(.endOfFile, 0..<0)])
    }

    /// Token spans as line:col through the source file, including a multi-byte character before them.
    @Test func tokenPositionsAsLineAndColumn() {
        let (file, out) = lex("service a {\n  x \"ü\" 1\n}")
        let positions = out.tokens.map { "\(file.location(of: $0.span.start))-\(file.location(of: $0.span.end))" }
        // service a { ⏎ | x "ü" 1 ⏎ | } EOF; the string's 2-byte ü is one column.
        #expect(positions == ["1:1-1:8", "1:9-1:10", "1:11-1:12", "1:12-2:1", "2:3-2:4", "2:5-2:8", "2:9-2:10", "2:10-3:1", "3:1-3:2", "3:2-3:2"])
    }
}

@Suite struct LexerStringTests {
    /// Source → decoded value; the token spans the whole literal, quotes included.
    static let valid: [(text: String, value: String)] = [
        (#""plain""#, "plain"),
        (#""""#, ""),
        (#""q\"b\\s""#, #"q"b\s"#),
        (#""n\nt\t""#, "n\nt\t"),
        (#""\u{1F600}\u{41}""#, "😀A"),
        (#""漢字""#, "漢字"),
    ]

    @Test func escapesAreDecodedAndTheSpanCoversTheQuotes() {
        for (text, value) in LexerStringTests.valid {
            let out = lex(text).output
            let end = text.utf8.count
            #expect(out.tokens == [token(.string(value), 0..<end), token(.endOfFile, end..<end)], "\(text)")
            #expect(out.diagnostics.isEmpty, "\(text)")
        }
    }

    @Test func unclosedAtTheEndOfTheLine() throws {
        let (file, out) = lex("\"abc\nx")
        #expect(out.tokens == [token(.invalid, 0..<4), token(.newline, 4..<5), token(.word("x"), 5..<6), token(.endOfFile, 6..<6)])
        #expect(describe(out.diagnostics, in: file) == ["1:1-1:5 E0103 string is not closed before the end of the line"])
        let d = try #require(out.diagnostics.first)
        #expect(d.primary.message == "string starts here")
        #expect(d.help == "close the string with `\"`")
    }

    @Test func unclosedAtTheEndOfTheFile() {
        let (file, out) = lex("\"abc")
        #expect(out.tokens == [token(.invalid, 0..<4), token(.endOfFile, 4..<4)])
        #expect(describe(out.diagnostics, in: file) == ["1:1-1:5 E0103 string is not closed before the end of the file"])
    }

    /// A backslash as the last byte of the file: the escape has nothing to escape, the string is unclosed.
    @Test func aBackslashAtTheEndOfTheFile() {
        let (file, out) = lex("\"a\\")
        #expect(out.tokens == [token(.invalid, 0..<3), token(.endOfFile, 3..<3)])
        #expect(describe(out.diagnostics, in: file) == ["1:1-1:4 E0103 string is not closed before the end of the file"])
    }

    @Test func aNulByteInsideAStringIsReportedAndDropped() {
        let (file, out) = lex(bytes: [0x22, 0x61, 0x00, 0x62, 0x22])  // "a<NUL>b"
        #expect(out.tokens == [token(.string("ab"), 0..<5), token(.endOfFile, 5..<5)])
        #expect(describe(out.diagnostics, in: file) == ["1:3-1:4 E0102 NUL byte inside a string"])
    }

    @Test func anInvalidUTF8ByteInsideAStringBecomesTheReplacementCharacter() {
        let (file, out) = lex(bytes: [0x22, 0x61, 0xFF, 0x62, 0x22])  // "a<FF>b"
        #expect(out.tokens == [token(.string("a\u{FFFD}b"), 0..<5), token(.endOfFile, 5..<5)])
        #expect(describe(out.diagnostics, in: file) == ["1:3-1:4 E0101 invalid UTF-8 byte 0xFF"])
    }

    /// Source → the one diagnostic (span as line:col) and the decoded value; the literal is still a string token.
    static let badEscapes: [(text: String, diagnostic: String, value: String)] = [
        (#""\q""#, "1:2-1:4 E0104 unknown escape `\\q` in string", ""),
        (#""\é""#, "1:2-1:4 E0104 unknown escape `\\é` in string", ""),
        // After `\u` the lexer goes on with the next character: `41` is kept as text.
        (#""\u41""#, "1:2-1:4 E0104 `\\u` must be followed by `{hex digits}`", "41"),
        (#""\u{41""#, "1:2-1:7 E0104 `\\u{` escape is not closed with `}`", ""),
        (#""\u{}""#, "1:2-1:6 E0104 `\\u{}` is not a Unicode scalar", ""),
        (#""\u{D800}""#, "1:2-1:10 E0104 `\\u{D800}` is not a Unicode scalar", ""),
        (#""\u{110000}""#, "1:2-1:12 E0104 `\\u{110000}` is not a Unicode scalar", ""),
        (#""\u{000000041}""#, "1:2-1:15 E0104 `\\u{000000041}` is not a Unicode scalar", ""),
    ]

    @Test func invalidEscapesAreReportedAndTheStringGoesOn() {
        for (text, diagnostic, value) in LexerStringTests.badEscapes {
            let (file, out) = lex(text)
            let end = text.utf8.count
            #expect(describe(out.diagnostics, in: file) == [diagnostic], "\(text)")
            #expect(out.tokens == [token(.string(value), 0..<end), token(.endOfFile, end..<end)], "\(text)")
        }
    }

    @Test func escapeDiagnosticsCarryTheirHelp() {
        #expect(lex(#""\q""#).output.diagnostics.map(\.help) == ["use `\\\"`, `\\\\`, `\\n`, `\\t` or `\\u{...}`; write a backslash as `\\\\`"])
        #expect(lex(#""\u41""#).output.diagnostics.map(\.help) == ["write a Unicode scalar as `\\u{1F600}`"])
    }

    /// A backslash at the end of a line: strings end at the line break (docs/language.md), so the line
    /// break must stay a line break and no message may span two lines (the escape used to swallow the
    /// line break, so the string ran on into the next line and the message held a raw line feed).
    @Test func aBackslashAtTheEndOfALineDoesNotContinueTheString() {
        let (_, out) = lex("\"a\\\nb\"")
        #expect(out.tokens.contains(token(.newline, 3..<4)))
        #expect(!out.diagnostics.contains { $0.message.contains("\n") }, "\(out.diagnostics.map(\.message))")
    }
}

@Suite struct LexerNumberTests {
    /// Source → value; every literal is one token over the whole text.
    static let valid: [(text: String, value: NumberValue)] = [
        ("3", .integer(3)),
        ("9223372036854775807", .integer(Int64.max)),
        ("0.25", .decimal(0.25)),
        ("250us", .duration(milliseconds: 0.25)),  // 250 × 0.001
        ("0.2ms", .duration(milliseconds: 0.2)),
        ("80ms", .duration(milliseconds: 80)),
        ("2s", .duration(milliseconds: 2000)),  // 2 × 1000
        ("5m", .duration(milliseconds: 300_000)),  // 5 × 60,000: `m` is minutes
        ("1h", .duration(milliseconds: 3_600_000)),
        ("1.5h", .duration(milliseconds: 5_400_000)),  // 1.5 × 3,600,000
        ("99.95%", .percent(99.95)),
        ("2000/s", .rate(perSecond: 2000)),
        ("300/m", .rate(perSecond: 5)),  // 300 / 60
        ("7200/h", .rate(perSecond: 2)),  // 7200 / 3600
        ("2..10", .range(2, 10)),
        ("10..2", .range(10, 2)),  // the order is checked by the model, not the lexer
    ]

    @Test func unitsAreAppliedAndTheTokenCoversTheUnit() {
        for (text, value) in LexerNumberTests.valid {
            let out = lex(text).output
            let end = text.utf8.count
            #expect(out.tokens == [token(.number(value), 0..<end), token(.endOfFile, end..<end)], "\(text)")
            #expect(out.diagnostics.isEmpty, "\(text)")
        }
    }

    @Test func aSpaceSeparatesANumberFromAWord() {
        #expect(lex("5 ms").output.tokens == [token(.number(.integer(5)), 0..<1), token(.word("ms"), 2..<4), token(.endOfFile, 4..<4)])
    }

    /// Source → the one diagnostic; the whole malformed literal becomes one invalid token.
    static let invalid: [(text: String, diagnostic: String)] = [
        ("5sec", "1:2-1:5 E0106 unknown unit `sec` after number"),
        ("1e5", "1:2-1:4 E0106 unknown unit `e5` after number"),
        ("10/d", "1:3-1:5 E0106 unknown rate unit `/d`"),
        ("2..", "1:1-1:4 E0106 a range needs an upper bound, as in `2..10`"),
        ("2..x", "1:1-1:5 E0106 a range needs an upper bound, as in `2..10`"),
        ("2.5..10", "1:1-1:8 E0106 range bounds must be whole numbers, as in `2..10`"),
        ("2..3.5", "1:1-1:7 E0106 range bounds must be whole numbers, as in `2..10`"),
        ("2..10ms", "1:1-1:8 E0106 range bounds must be whole numbers, as in `2..10`"),
        ("9223372036854775808", "1:1-1:20 E0107 integer `9223372036854775808` does not fit in 64 bits"),
        // Longer than 24 characters: shown as its first 20 and an ellipsis.
        ("1234567890123456789012345", "1:1-1:26 E0107 integer `12345678901234567890…` does not fit in 64 bits"),
        ("99999999999999999999..1", "1:1-1:24 E0107 range bound does not fit in 64 bits"),
        // The upper bound overflows: the diagnostic points at it, the invalid token still covers the range.
        ("1..99999999999999999999", "1:4-1:24 E0107 range bound does not fit in 64 bits"),
        (String(repeating: "9", count: 400), "1:1-1:401 E0107 number `99999999999999999999…` is too large"),
    ]

    @Test func malformedNumbersAreOneInvalidToken() {
        for (text, diagnostic) in LexerNumberTests.invalid {
            let (file, out) = lex(text)
            let end = text.utf8.count
            #expect(describe(out.diagnostics, in: file) == [diagnostic], "\(text)")
            #expect(out.tokens == [token(.invalid, 0..<end), token(.endOfFile, end..<end)], "\(text)")
        }
    }

    @Test func unitDiagnosticsCarryTheirHelp() {
        #expect(lex("5sec").output.diagnostics.map(\.help) == ["durations take `us`, `ms`, `s`, `m` or `h`; rates `/s` or `/m`; percentages `%`"])
        #expect(lex("10/d").output.diagnostics.map(\.help) == ["write a rate as `2000/s`, `300/m` or `10/h`"])
    }

    /// A trailing `.` is not part of the number.
    @Test func aTrailingDotIsAnUnexpectedCharacter() {
        let (file, out) = lex("3.")
        #expect(out.tokens == [token(.number(.integer(3)), 0..<1), token(.invalid, 1..<2), token(.endOfFile, 2..<2)])
        #expect(describe(out.diagnostics, in: file) == ["1:2-1:3 E0102 unexpected character `.`"])
    }
}

@Suite struct LexerCommentTests {
    @Test func lineCommentsAreKeptWithoutTheirCarriageReturn() {
        // "// top" 0..<6, "a" 7, "1" 9, "// tail" 11..<18 then CR LF, "  // indented" 22..<33.
        let (_, out) = lex("// top\na 1 // tail\r\n  // indented\n")
        #expect(out.comments == [
            Comment(span: span(0..<6), isBlock: false, startsLine: true),
            Comment(span: span(11..<18), isBlock: false, startsLine: false),
            Comment(span: span(22..<33), isBlock: false, startsLine: true),
        ])
        // The line break after a comment-only line merges into the newline before it.
        #expect(out.tokens == [
            token(.newline, 6..<7), token(.word("a"), 7..<8), token(.number(.integer(1)), 9..<10),
            token(.newline, 19..<20), token(.endOfFile, 34..<34),
        ])
        #expect(out.diagnostics.isEmpty)
    }

    @Test func aBlockCommentOnOneLineIsNoLineBreak() {
        let (_, out) = lex("a /* x */ b")
        #expect(out.comments == [Comment(span: span(2..<9), isBlock: true, startsLine: false)])
        #expect(out.tokens == [token(.word("a"), 0..<1), token(.word("b"), 10..<11), token(.endOfFile, 11..<11)])
    }

    @Test func aBlockCommentSpanningLinesIsALineBreakOverTheComment() {
        let (_, out) = lex("a /* x\n y */ b")
        #expect(out.comments == [Comment(span: span(2..<12), isBlock: true, startsLine: false)])
        #expect(out.tokens == [token(.word("a"), 0..<1), token(.newline, 2..<12), token(.word("b"), 13..<14), token(.endOfFile, 14..<14)])
    }

    /// Block comments do not nest: the first `*/` ends the comment, the rest is unexpected text.
    @Test func blockCommentsDoNotNest() {
        let (file, out) = lex("/* a /* b */ c */")
        #expect(out.comments == [Comment(span: span(0..<12), isBlock: true, startsLine: true)])
        #expect(out.tokens == [token(.word("c"), 13..<14), token(.invalid, 15..<17), token(.endOfFile, 17..<17)])
        #expect(describe(out.diagnostics, in: file) == ["1:16-1:17 E0102 unexpected character `*`", "1:17-1:18 E0102 unexpected character `/`"])
    }

    @Test func anUnclosedBlockCommentPointsAtItsOpening() throws {
        let (file, out) = lex("a /* b\nc")
        #expect(describe(out.diagnostics, in: file) == ["1:3-1:5 E0105 block comment is not closed before the end of the file"])
        let d = try #require(out.diagnostics.first)
        #expect(d.primary.message == "comment starts here")
        #expect(d.help == "close the comment with `*/`")
        #expect(out.comments == [])
        #expect(out.tokens == [token(.word("a"), 0..<1), token(.endOfFile, 8..<8)])
    }

    @Test func invalidUTF8InsideACommentIsReported() {
        let (file, out) = lex(bytes: Array("// a".utf8) + [0xFF] + Array("\n/* ".utf8) + [0xFE] + Array(" */".utf8))
        #expect(describe(out.diagnostics, in: file) == ["1:5-1:6 E0101 invalid UTF-8 byte 0xFF", "2:4-2:5 E0101 invalid UTF-8 byte 0xFE"])
        #expect(out.comments == [
            Comment(span: span(0..<5), isBlock: false, startsLine: true),
            Comment(span: span(6..<13), isBlock: true, startsLine: true),
        ])
    }
}

@Suite struct LexerInvalidInputTests {
    @Test func anUnexpectedCharacterIsAnInvalidTokenBetweenGoodOnes() {
        let (file, out) = lex("a @ b")
        #expect(out.tokens == [token(.word("a"), 0..<1), token(.invalid, 2..<3), token(.word("b"), 4..<5), token(.endOfFile, 5..<5)])
        #expect(describe(out.diagnostics, in: file) == ["1:3-1:4 E0102 unexpected character `@`"])
        #expect(out.diagnostics.map(\.help) == [nil])
    }

    /// Each character is reported; adjacent ones make one invalid token.
    @Test func aRunOfUnexpectedCharactersIsOneToken() {
        let (file, out) = lex("@#$ x")
        #expect(out.tokens == [token(.invalid, 0..<3), token(.word("x"), 4..<5), token(.endOfFile, 5..<5)])
        #expect(describe(out.diagnostics, in: file) == [
            "1:1-1:2 E0102 unexpected character `@`", "1:2-1:3 E0102 unexpected character `#`", "1:3-1:4 E0102 unexpected character `$`",
        ])
    }

    @Test func loneHalvesOfArrowsAreUnexpected() {
        let (file, out) = lex("<-x / y - z")
        #expect(out.tokens == [
            token(.invalid, 0..<2), token(.word("x"), 2..<3), token(.invalid, 4..<5), token(.word("y"), 6..<7),
            token(.invalid, 8..<9), token(.word("z"), 10..<11), token(.endOfFile, 11..<11),
        ])
        #expect(describe(out.diagnostics, in: file) == [
            "1:1-1:2 E0102 unexpected character `<`", "1:2-1:3 E0102 unexpected character `-`",
            "1:5-1:6 E0102 unexpected character `/`", "1:9-1:10 E0102 unexpected character `-`",
        ])
    }

    @Test func nulAndControlCharactersAreNamed() {
        let (file, out) = lex(bytes: [0x61, 0x00, 0x62, 0x20, 0x01, 0x20, 0x1B, 0x20, 0x7F, 0x20, 0x0C])  // a NUL b ␁ ESC DEL FF
        #expect(out.tokens == [
            token(.word("a"), 0..<1), token(.invalid, 1..<2), token(.word("b"), 2..<3), token(.invalid, 4..<5),
            token(.invalid, 6..<7), token(.invalid, 8..<9), token(.invalid, 10..<11), token(.endOfFile, 11..<11),
        ])
        #expect(describe(out.diagnostics, in: file) == [
            "1:2-1:3 E0102 unexpected NUL byte",
            "1:5-1:6 E0102 unexpected control character U+0001",
            "1:7-1:8 E0102 unexpected control character U+001B",
            "1:9-1:10 E0102 unexpected control character U+007F",
            "1:11-1:12 E0102 unexpected control character U+000C",
        ])
    }

    /// Valid non-ASCII text outside a string: one diagnostic per character, with help.
    @Test func nonASCIITextOutsideAStringIsReportedPerCharacter() {
        let (file, out) = lex("ü漢 a")
        #expect(out.tokens == [token(.invalid, 0..<5), token(.word("a"), 6..<7), token(.endOfFile, 7..<7)])
        #expect(describe(out.diagnostics, in: file) == ["1:1-1:2 E0102 unexpected character `ü`", "1:2-1:3 E0102 unexpected character `漢`"])
        #expect(out.diagnostics.map(\.help) == Array(repeating: "names are lowercase ASCII; put other text in a string", count: 2))
    }

    /// Overlong encodings, surrogates and truncated sequences are invalid byte by byte.
    /// (Spans as byte offsets: the columns of stray continuation bytes are wrong, see `SourcePositionTests`.)
    @Test func invalidUTF8IsReportedPerByte() {
        let cases: [(bytes: [UInt8], reported: [String])] = [
            ([0xFF], ["FF"]),
            ([0xC0, 0x80], ["C0", "80"]),  // an overlong NUL
            ([0xED, 0xA0, 0x80], ["ED", "A0", "80"]),  // the surrogate U+D800
            ([0xE6, 0xBC], ["E6", "BC"]),  // 漢 cut short by the end of the file
            ([0xF4, 0x90, 0x80, 0x80], ["F4", "90", "80", "80"]),  // above U+10FFFF
        ]
        for (bytes, reported) in cases {
            let out = lex(bytes: bytes).output
            #expect(out.diagnostics.map(\.id) == Array(repeating: "E0101", count: bytes.count), "\(bytes)")
            #expect(out.diagnostics.map(\.message) == reported.map { "invalid UTF-8 byte 0x\($0)" }, "\(bytes)")
            #expect(out.diagnostics.map(\.primary.span) == bytes.indices.map { span($0..<$0 + 1) }, "\(bytes)")
            // Unlike unexpected characters, invalid bytes are not merged: one invalid token each.
            #expect(out.tokens == bytes.indices.map { token(.invalid, $0..<$0 + 1) } + [token(.endOfFile, bytes.count..<bytes.count)], "\(bytes)")
        }
    }

    @Test func onlyTheFirstTenInvalidBytesAreReported() {
        let out = lex(bytes: Array(repeating: 0xFF, count: 12)).output
        #expect(out.diagnostics.map(\.primary.span) == (0..<10).map { span($0..<$0 + 1) })
        #expect(out.diagnostics.map(\.notes) == Array(repeating: [], count: 9) + [["further invalid bytes in this file are not reported"]])
        #expect(out.tokens.count == 13)  // 12 invalid bytes and the end of file
    }
}

/// Byte offsets to line:col through the source file and manager (columns count Unicode scalars).
@Suite struct SourcePositionTests {
    // a b LF | c d CR LF | ü(2 bytes) 漢(3 bytes) x LF | (empty last line)
    static let text = "ab\ncd\r\nü漢x\n"

    @Test func offsetsMapToLineAndColumn() {
        let file = source(SourcePositionTests.text)
        #expect(file.lineStarts == [0, 3, 7, 14])
        let expected: [(offset: Int, location: String)] = [
            (0, "1:1"), (2, "1:3"),  // the line feed is the line's last column
            (3, "2:1"), (5, "2:3"), (6, "2:4"),  // the carriage return counts as a column
            (7, "3:1"), (9, "3:2"), (12, "3:3"), (13, "3:4"),  // ü and 漢 are one column each
            (14, "4:1"),  // the end of the file, after the last line feed
            (99, "4:1"), (-5, "1:1"),  // clamped into the file
        ]
        for (offset, location) in expected {
            #expect(file.location(of: offset).description == location, "offset \(offset)")
        }
    }

    @Test func linesAreCutWithoutTheirTerminators() {
        let file = source(SourcePositionTests.text)
        #expect((0..<4).map { file.lineRange($0) } == [0..<2, 3..<5, 7..<13, 14..<14])
        #expect((0..<4).map { file.lineText($0) } == ["ab", "cd", "ü漢x", ""])
        #expect(file.text(span(9..<12)) == "漢")
        #expect(file.scalarCount(from: 7, to: 13) == 3)
        #expect(file.lineIndex(of: 6) == 1)
    }

    /// Invalid bytes count as one column each, stray continuation bytes (0x80...0xBF) included (they
    /// used to count as none, so everything after them was reported columns too far left).
    @Test func strayContinuationBytesCountAsOneColumnEach() {
        let file = source(bytes: [0x80, 0x80, 0x40])  // two stray continuation bytes, then `@`
        #expect(file.scalarCount(from: 0, to: 2) == 2)
        #expect(file.location(of: 2).description == "1:3")
    }

    @Test func theManagerResolvesSpansInTheirOwnFile() {
        let sources = SourceManager()
        sources.add(path: "first.strata", text: "x\n")
        let second = sources.add(path: "second.strata", text: "a\n  bcd\n")
        let bcd = Span(file: second.id, start: 4, end: 7)
        #expect(second.id == FileID(1))
        #expect(sources.location(bcd) == SourceLocation(line: 2, column: 3))
        #expect(sources.endLocation(bcd) == SourceLocation(line: 2, column: 6))
        #expect(sources.path(bcd) == "second.strata")
        #expect(sources[second.id].text(bcd) == "bcd")
    }
}
