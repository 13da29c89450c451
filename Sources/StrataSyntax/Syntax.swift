import StrataDiagnostics

/// One argument of a statement: a word, qualified name, string, number or arrow.
public struct Argument: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A bare word, e.g. `orders`, `POST`, `per`.
        case word(String)
        /// A dotted name, e.g. `users.get`.
        case qualified([String])
        case string(String)
        case number(NumberValue)
        case arrow
        case biArrow
        /// A malformed literal the lexer already reported; readers skip it silently.
        case invalid
    }

    public let kind: Kind
    public let span: Span

    public init(_ kind: Kind, _ span: Span) {
        self.kind = kind
        self.span = span
    }

    /// The word, if this argument is a bare word.
    public var word: String? {
        if case .word(let w) = kind { return w }
        return nil
    }

    /// A short description used in messages (`` `orders` ``, `a string`, `the duration 80ms`).
    public func describe(in source: SourceFile) -> String {
        switch kind {
        case .word(let w): return "`\(w)`"
        case .qualified(let parts): return "`\(parts.joined(separator: "."))`"
        case .string: return "a string"
        case .arrow: return "`->`"
        case .biArrow: return "`<->`"
        case .invalid: return "an invalid literal"
        case .number(let n):
            let text = source.text(span)
            switch n {
            case .integer: return "the number `\(text)`"
            case .decimal: return "the number `\(text)`"
            case .duration: return "the duration `\(text)`"
            case .percent: return "the percentage `\(text)`"
            case .rate: return "the rate `\(text)`"
            case .range: return "the range `\(text)`"
            }
        }
    }
}

/// `{ statement* }`.
public struct Block: Hashable, Sendable {
    public let open: Span
    /// Missing when the block was never closed (already diagnosed).
    public let close: Span?
    public var statements: [Statement]

    public init(open: Span, close: Span?, statements: [Statement]) {
        self.open = open
        self.close = close
        self.statements = statements
    }

    public var span: Span { close.map { open.merged(with: $0) } ?? open }
}

/// The one statement shape: `keyword argument* block?`.
public struct Statement: Hashable, Sendable {
    public let keyword: String
    public let keywordSpan: Span
    public var arguments: [Argument]
    public var block: Block?

    public init(keyword: String, keywordSpan: Span, arguments: [Argument], block: Block?) {
        self.keyword = keyword
        self.keywordSpan = keywordSpan
        self.arguments = arguments
        self.block = block
    }

    /// From the keyword to the last argument or the closing brace.
    public var span: Span {
        if let block { return keywordSpan.merged(with: block.span) }
        if let last = arguments.last { return keywordSpan.merged(with: last.span) }
        return keywordSpan
    }

    /// From the keyword to the last argument (the statement's head, without its block).
    public var headSpan: Span {
        if let last = arguments.last { return keywordSpan.merged(with: last.span) }
        return keywordSpan
    }
}

/// The parsed form of one file: its top-level statements plus the trivia the formatter needs.
public struct SyntaxTree: Sendable {
    public let file: FileID
    public var statements: [Statement]
    public let comments: [Comment]
    public let diagnostics: [Diagnostic]
    /// True when lexing or parsing reported an error (the formatter refuses such trees).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
