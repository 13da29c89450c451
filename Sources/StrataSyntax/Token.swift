import StrataDiagnostics

/// A number literal's value together with its unit.
public enum NumberValue: Hashable, Sendable {
    case integer(Int64)
    case decimal(Double)
    /// A duration in milliseconds (`250us`, `80ms`, `2s`, `5m`, `1h`).
    case duration(milliseconds: Double)
    /// A percentage, e.g. `99.95` for `99.95%`.
    case percent(Double)
    /// A rate in events per second (`2000/s`, `300/m`).
    case rate(perSecond: Double)
    /// An integer range `lo..hi`.
    case range(Int64, Int64)
}

/// The kinds of token the lexer produces.
public enum TokenKind: Hashable, Sendable {
    /// A word: letters, digits, `-` and `_`, starting with a letter or `_`; may contain `.` (qualified names).
    case word(String)
    /// A string literal, with escapes already decoded.
    case string(String)
    case number(NumberValue)
    case leftBrace, rightBrace, semicolon
    /// `->`
    case arrow
    /// `<->`
    case biArrow
    /// One or more line breaks (including a block comment that spans lines).
    case newline
    /// Bytes the lexer already reported as an error; the parser skips them silently.
    case invalid
    case endOfFile
}

/// A token and where it is.
public struct Token: Hashable, Sendable {
    public let kind: TokenKind
    public let span: Span
    public init(_ kind: TokenKind, _ span: Span) {
        self.kind = kind
        self.span = span
    }

    /// How the token is named in messages (`word \`foo\``, `` `{` ``, `end of file`).
    public var displayName: String {
        switch kind {
        case .word(let w): "`\(w)`"
        case .string: "a string"
        case .number: "a number"
        case .leftBrace: "`{`"
        case .rightBrace: "`}`"
        case .semicolon: "`;`"
        case .arrow: "`->`"
        case .biArrow: "`<->`"
        case .newline: "end of line"
        case .invalid: "an invalid character"
        case .endOfFile: "end of file"
        }
    }
}

/// A comment kept for the formatter (comments are not tokens).
public struct Comment: Hashable, Sendable {
    public let span: Span
    /// True for `/* ... */`, false for `// ...`.
    public let isBlock: Bool
    /// True when only whitespace precedes the comment on its line.
    public let startsLine: Bool
}
