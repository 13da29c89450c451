import StrataDiagnostics
@testable import StrataSyntax

/// One source file in a fresh source manager (its id is always `FileID(0)`).
func source(_ text: String) -> SourceFile {
    SourceManager().add(path: "t.strata", text: text)
}

/// One source file made of raw bytes (for invalid UTF-8, NUL and CR).
func source(bytes: [UInt8]) -> SourceFile {
    SourceManager().add(path: "t.strata", bytes: bytes)
}

/// A span of the only file of a test.
func span(_ range: Range<Int>) -> Span {
    Span(file: FileID(0), start: range.lowerBound, end: range.upperBound)
}

/// A token of the only file of a test.
func token(_ kind: TokenKind, _ range: Range<Int>) -> Token {
    Token(kind, span(range))
}

/// A diagnostic as `line:col-line:col CODE message` (start and end of the primary span).
func describe(_ diagnostic: Diagnostic, in file: SourceFile) -> String {
    let start = file.location(of: diagnostic.primary.span.start)
    let end = file.location(of: diagnostic.primary.span.end)
    return "\(start)-\(end) \(diagnostic.id) \(diagnostic.message)"
}

/// Every diagnostic of a lexed file, described.
func describe(_ diagnostics: [Diagnostic], in file: SourceFile) -> [String] {
    diagnostics.map { describe($0, in: file) }
}

/// The statements of a tree as one line each, nested ones indented by two spaces:
/// `keyword arg arg {` ... `}` (an unclosed block ends in `} (unclosed)`).
func outline(_ statements: [Statement], indent: String = "") -> [String] {
    var lines: [String] = []
    for s in statements {
        let head = ([s.keyword] + s.arguments.map { argumentText($0.kind) }).joined(separator: " ")
        guard let block = s.block else {
            lines.append(indent + head)
            continue
        }
        lines.append(indent + head + " {")
        lines += outline(block.statements, indent: indent + "  ")
        lines.append(indent + (block.close == nil ? "} (unclosed)" : "}"))
    }
    return lines
}

/// A short, unambiguous rendering of an argument for ``outline(_:indent:)``.
func argumentText(_ kind: Argument.Kind) -> String {
    switch kind {
    case .word(let w): w
    case .qualified(let parts): parts.joined(separator: ".")
    case .string(let s): "\"\(s)\""
    case .number(let n): "#\(n)"
    case .arrow: "->"
    case .biArrow: "<->"
    case .invalid: "<invalid>"
    }
}
