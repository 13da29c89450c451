// Over 400 lines on purpose: the lexer is one state machine over bytes, and its scanning
// functions share the cursor and the diagnostic bag; split across files they would read worse.
import StrataDiagnostics

/// Turns the bytes of one file into tokens. Never fails: bad input becomes a
/// diagnostic plus an `.invalid` token, and lexing continues.
public struct Lexer {
    /// The result of lexing a file.
    public struct Output: Sendable {
        public var tokens: [Token]
        public var comments: [Comment]
        public var diagnostics: [Diagnostic]
    }

    /// Lexes a whole file.
    public static func lex(_ file: SourceFile) -> Output {
        file.bytes.withUnsafeBufferPointer { buffer in
            var lexer = Scanner(bytes: buffer, file: file.id)
            lexer.run()
            return Output(tokens: lexer.tokens, comments: lexer.comments, diagnostics: lexer.diagnostics.diagnostics)
        }
    }
}

private let maxInvalidUTF8Reports = 10

private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: FileID
    var pos = 0
    var tokens: [Token] = []
    var comments: [Comment] = []
    var diagnostics = DiagnosticBag()
    var lineHasContent = false
    var invalidUTF8Reports = 0

    init(bytes: UnsafeBufferPointer<UInt8>, file: FileID) {
        self.bytes = bytes
        self.file = file
        tokens.reserveCapacity(bytes.count / 4)
    }

    func span(_ start: Int, _ end: Int) -> Span { Span(file: file, start: start, end: end) }

    mutating func add(_ kind: TokenKind, _ start: Int, _ end: Int) {
        tokens.append(Token(kind, span(start, end)))
        lineHasContent = true
    }

    mutating func addNewline(_ start: Int, _ end: Int) {
        if case .newline = tokens.last?.kind { lineHasContent = false; return }
        tokens.append(Token(.newline, span(start, end)))
        lineHasContent = false
    }

    mutating func run() {
        let n = bytes.count
        // A UTF-8 byte-order mark is allowed at the very start and ignored.
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 }
        while pos < n {
            let c = bytes[pos]
            switch c {
            case 0x20, 0x09, 0x0D:  // space, tab, CR
                pos += 1
            case 0x0A:
                addNewline(pos, pos + 1)
                pos += 1
            case UInt8(ascii: "{"): add(.leftBrace, pos, pos + 1); pos += 1
            case UInt8(ascii: "}"): add(.rightBrace, pos, pos + 1); pos += 1
            case UInt8(ascii: ";"): add(.semicolon, pos, pos + 1); pos += 1
            case UInt8(ascii: "\""): lexString()
            case UInt8(ascii: "/"):
                if peek(1) == UInt8(ascii: "/") { lexLineComment() }
                else if peek(1) == UInt8(ascii: "*") { lexBlockComment() }
                else { invalidCharacter() }
            case UInt8(ascii: "-"):
                if peek(1) == UInt8(ascii: ">") { add(.arrow, pos, pos + 2); pos += 2 } else { invalidCharacter() }
            case UInt8(ascii: "<"):
                if peek(1) == UInt8(ascii: "-"), peek(2) == UInt8(ascii: ">") { add(.biArrow, pos, pos + 3); pos += 3 }
                else { invalidCharacter() }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                lexNumber()
            default:
                if isWordStart(c) { lexWord() } else { invalidCharacter() }
            }
        }
        tokens.append(Token(.endOfFile, span(n, n)))
    }

    func peek(_ k: Int) -> UInt8? { pos + k < bytes.count ? bytes[pos + k] : nil }

    // MARK: Words

    func isWordStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || c == UInt8(ascii: "_")
    }
    func isWordPart(_ c: UInt8) -> Bool {
        isWordStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-")
    }

    mutating func lexWord() {
        let start = pos
        while pos < bytes.count {
            let c = bytes[pos]
            if isWordPart(c) {
                // `-` followed by `>` is an arrow, not part of the word: `a->b`.
                if c == UInt8(ascii: "-"), peek(1) == UInt8(ascii: ">") { break }
                pos += 1
            } else if c == UInt8(ascii: "."), let next = peek(1), isWordStart(next) {
                pos += 1  // qualified name: `users.get`
            } else {
                break
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        add(.word(text), start, pos)
    }

    // MARK: Numbers

    func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false }

    /// Scans `digits ('.' digits)?` and returns (text, isDecimal).
    mutating func scanDecimal() -> (String, Bool) {
        let start = pos
        while isDigit(peek(0)) { pos += 1 }
        var isDecimal = false
        if peek(0) == UInt8(ascii: "."), isDigit(peek(1)) {
            isDecimal = true
            pos += 1
            while isDigit(peek(0)) { pos += 1 }
        }
        return (String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self), isDecimal)
    }

    mutating func lexNumber() {
        let start = pos
        let (text, isDecimal) = scanDecimal()
        // Range: `2..10`
        if peek(0) == UInt8(ascii: "."), peek(1) == UInt8(ascii: ".") {
            pos += 2
            let hiStart = pos
            guard isDigit(peek(0)) else {
                consumeJunk()
                diagnostics.emit(Catalogue.invalidNumber, "a range needs an upper bound, as in `2..10`", at: span(start, pos))
                add(.invalid, start, pos)
                return
            }
            let (hiText, hiDecimal) = scanDecimal()
            if isDecimal || hiDecimal || (peek(0).map(isWordPart) ?? false) {
                consumeJunk()
                diagnostics.emit(Catalogue.invalidNumber, "range bounds must be whole numbers, as in `2..10`", at: span(start, pos))
                add(.invalid, start, pos)
                return
            }
            guard let lo = Int64(text), let hi = Int64(hiText) else {
                diagnostics.emit(Catalogue.numberOverflow, "range bound does not fit in 64 bits", at: span(Int64(text) == nil ? start : hiStart, pos))
                add(.invalid, start, pos)
                return
            }
            add(.number(.range(lo, hi)), start, pos)
            return
        }
        guard let value = Double(text), value.isFinite else {
            consumeJunk()
            diagnostics.emit(Catalogue.numberOverflow, "number `\(abbreviate(text))` is too large", at: span(start, pos))
            add(.invalid, start, pos)
            return
        }
        // Unit suffix.
        let unitStart = pos
        if peek(0) == UInt8(ascii: "%") {
            pos += 1
            add(.number(.percent(value)), start, pos)
            return
        }
        if peek(0) == UInt8(ascii: "/"), let u = peek(1), isWordStart(u) {
            pos += 1
            let wordStart = pos
            while let c = peek(0), isWordPart(c) { pos += 1 }
            let unit = String(decoding: UnsafeBufferPointer(rebasing: bytes[wordStart..<pos]), as: UTF8.self)
            let perSecond: Double
            switch unit {
            case "s": perSecond = value
            case "m": perSecond = value / 60
            case "h": perSecond = value / 3600
            default:
                diagnostics.emit(Catalogue.invalidNumber, "unknown rate unit `/\(abbreviate(unit))`", at: span(unitStart, pos),
                                 help: "write a rate as `2000/s`, `300/m` or `10/h`")
                add(.invalid, start, pos)
                return
            }
            add(.number(.rate(perSecond: perSecond)), start, pos)
            return
        }
        if let c = peek(0), isWordPart(c) {
            while let c = peek(0), isWordPart(c) { pos += 1 }
            let unit = String(decoding: UnsafeBufferPointer(rebasing: bytes[unitStart..<pos]), as: UTF8.self)
            let factor: Double
            switch unit {
            case "us": factor = 0.001
            case "ms": factor = 1
            case "s": factor = 1000
            case "m": factor = 60_000
            case "h": factor = 3_600_000
            default:
                diagnostics.emit(Catalogue.invalidNumber, "unknown unit `\(abbreviate(unit))` after number", at: span(unitStart, pos),
                                 help: "durations take `us`, `ms`, `s`, `m` or `h`; rates `/s` or `/m`; percentages `%`")
                add(.invalid, start, pos)
                return
            }
            add(.number(.duration(milliseconds: value * factor)), start, pos)
            return
        }
        if isDecimal {
            add(.number(.decimal(value)), start, pos)
        } else if let int = Int64(text) {
            add(.number(.integer(int)), start, pos)
        } else {
            diagnostics.emit(Catalogue.numberOverflow, "integer `\(abbreviate(text))` does not fit in 64 bits", at: span(start, pos))
            add(.invalid, start, pos)
        }
    }

    /// Skips the rest of a malformed literal (letters, digits, dots, `%`, `/`).
    mutating func consumeJunk() {
        while let c = peek(0), isWordPart(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "%") { pos += 1 }
    }

    func abbreviate(_ s: String) -> String { s.count > 24 ? String(s.prefix(20)) + "…" : s }

    // MARK: Strings

    mutating func lexString() {
        let start = pos
        pos += 1
        var value: [UInt8] = []
        while pos < bytes.count {
            let c = bytes[pos]
            switch c {
            case UInt8(ascii: "\""):
                pos += 1
                add(.string(String(decoding: value, as: UTF8.self)), start, pos)
                return
            case 0x0A:
                diagnostics.emit(Catalogue.unterminatedString, "string is not closed before the end of the line", at: span(start, pos),
                                 label: "string starts here")
                add(.invalid, start, pos)
                return
            case UInt8(ascii: "\\"):
                lexEscape(into: &value)
            case 0x00:
                diagnostics.emit(Catalogue.unexpectedCharacter, "NUL byte inside a string", at: span(pos, pos + 1))
                pos += 1
            default:
                if c >= 0x80 {
                    let len = validUTF8Length(at: pos)
                    if len == 0 {
                        reportInvalidUTF8(at: pos)
                        value.append(contentsOf: [0xEF, 0xBF, 0xBD])
                        pos += 1
                    } else {
                        value.append(contentsOf: bytes[pos..<pos + len])
                        pos += len
                    }
                } else {
                    value.append(c)
                    pos += 1
                }
            }
        }
        diagnostics.emit(Catalogue.unterminatedString, "string is not closed before the end of the file", at: span(start, pos),
                         label: "string starts here")
        add(.invalid, start, pos)
    }

    mutating func lexEscape(into value: inout [UInt8]) {
        let start = pos
        pos += 1
        guard let e = peek(0) else { return }
        switch e {
        case UInt8(ascii: "\""): value.append(e); pos += 1
        case UInt8(ascii: "\\"): value.append(e); pos += 1
        case UInt8(ascii: "n"): value.append(0x0A); pos += 1
        case UInt8(ascii: "t"): value.append(0x09); pos += 1
        case UInt8(ascii: "u"):
            pos += 1
            guard peek(0) == UInt8(ascii: "{") else {
                diagnostics.emit(Catalogue.invalidEscape, "`\\u` must be followed by `{hex digits}`", at: span(start, pos),
                                 help: "write a Unicode scalar as `\\u{1F600}`")
                return
            }
            pos += 1
            let digitsStart = pos
            while let c = peek(0), isHex(c) { pos += 1 }
            let digits = String(decoding: UnsafeBufferPointer(rebasing: bytes[digitsStart..<pos]), as: UTF8.self)
            guard peek(0) == UInt8(ascii: "}") else {
                diagnostics.emit(Catalogue.invalidEscape, "`\\u{` escape is not closed with `}`", at: span(start, pos))
                return
            }
            pos += 1
            guard (1...8).contains(digits.count), let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
                diagnostics.emit(Catalogue.invalidEscape, "`\\u{\(abbreviate(digits))}` is not a Unicode scalar", at: span(start, pos))
                return
            }
            value.append(contentsOf: Array(String(Character(scalar)).utf8))
        case 0x0A, 0x0D:
            // Strings end at the line break: the backslash escapes nothing, and the line break stays
            // where it is, so the string is reported unterminated and the next line lexes as usual.
            diagnostics.emit(Catalogue.invalidEscape, "a backslash at the end of a line escapes nothing", at: span(start, pos),
                             help: "strings end at the line break; write a backslash as `\\\\` or a line break as `\\n`")
        default:
            let len = max(1, validUTF8Length(at: pos))
            pos += len
            let shown = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
            diagnostics.emit(Catalogue.invalidEscape, "unknown escape `\(shown)` in string", at: span(start, pos),
                             help: "use `\\\"`, `\\\\`, `\\n`, `\\t` or `\\u{...}`; write a backslash as `\\\\`")
        }
    }

    func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))
    }

    // MARK: Comments

    mutating func lexLineComment() {
        let start = pos
        while pos < bytes.count, bytes[pos] != 0x0A {
            if bytes[pos] >= 0x80 {
                let len = validUTF8Length(at: pos)
                if len == 0 { reportInvalidUTF8(at: pos); pos += 1 } else { pos += len }
            } else {
                pos += 1
            }
        }
        var end = pos
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        comments.append(Comment(span: span(start, end), isBlock: false, startsLine: !lineHasContent))
    }

    mutating func lexBlockComment() {
        let start = pos
        let startsLine = !lineHasContent
        pos += 2
        var sawNewline = false
        while pos < bytes.count {
            if bytes[pos] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                pos += 2
                comments.append(Comment(span: span(start, pos), isBlock: true, startsLine: startsLine))
                if sawNewline { addNewline(start, pos) }
                return
            }
            if bytes[pos] == 0x0A { sawNewline = true }
            if bytes[pos] >= 0x80 {
                let len = validUTF8Length(at: pos)
                if len == 0 { reportInvalidUTF8(at: pos); pos += 1 } else { pos += len }
            } else {
                pos += 1
            }
        }
        diagnostics.emit(Catalogue.unterminatedComment, "block comment is not closed before the end of the file", at: span(start, start + 2),
                         label: "comment starts here")
    }

    // MARK: Errors

    mutating func invalidCharacter() {
        let start = pos
        let c = bytes[pos]
        if c >= 0x80 {
            let len = validUTF8Length(at: pos)
            if len == 0 {
                reportInvalidUTF8(at: pos)
                pos += 1
                add(.invalid, start, pos)
                return
            }
            pos += len
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
            diagnostics.emit(Catalogue.unexpectedCharacter, "unexpected character `\(text)`", at: span(start, pos),
                             help: "names are lowercase ASCII; put other text in a string")
        } else {
            pos += 1
            let name: String
            if c == 0 { name = "NUL byte" }
            else if c < 0x20 || c == 0x7F { name = "control character U+\(String(c, radix: 16, uppercase: true).leftPadded(4))" }
            else { name = "character `\(Character(Unicode.Scalar(c)))`" }
            diagnostics.emit(Catalogue.unexpectedCharacter, "unexpected \(name)", at: span(start, pos))
        }
        // Coalesce a run of invalid characters into one token.
        if case .invalid = tokens.last?.kind, tokens.last!.span.end == start {
            let prev = tokens.removeLast()
            tokens.append(Token(.invalid, span(prev.span.start, pos)))
        } else {
            add(.invalid, start, pos)
        }
    }

    mutating func reportInvalidUTF8(at offset: Int) {
        invalidUTF8Reports += 1
        if invalidUTF8Reports <= maxInvalidUTF8Reports {
            diagnostics.emit(Catalogue.invalidUTF8, "invalid UTF-8 byte 0x\(String(bytes[offset], radix: 16, uppercase: true))",
                             at: span(offset, offset + 1),
                             notes: invalidUTF8Reports == maxInvalidUTF8Reports ? ["further invalid bytes in this file are not reported"] : [])
        }
    }

    /// Length of the valid UTF-8 sequence starting at `i`, or 0 if it is invalid.
    func validUTF8Length(at i: Int) -> Int {
        let b0 = bytes[i]
        let need: Int
        var minScalar: UInt32
        var scalar: UInt32
        switch b0 {
        case 0xC2...0xDF: need = 1; scalar = UInt32(b0 & 0x1F); minScalar = 0x80
        case 0xE0...0xEF: need = 2; scalar = UInt32(b0 & 0x0F); minScalar = 0x800
        case 0xF0...0xF4: need = 3; scalar = UInt32(b0 & 0x07); minScalar = 0x10000
        default: return 0
        }
        guard i + need < bytes.count else { return 0 }
        for k in 1...need {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return 0 }
            scalar = scalar << 6 | UInt32(b & 0x3F)
        }
        if scalar < minScalar || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return 0 }
        return need + 1
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
