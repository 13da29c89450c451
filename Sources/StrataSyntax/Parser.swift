import StrataDiagnostics

/// Parses one file into a ``SyntaxTree``. Never throws and never stops at the
/// first error: malformed statements are skipped to their end, reported, and
/// parsing continues, so one run reports every syntax error of a file.
public struct Parser {
    /// Blocks may nest this deep; deeper input is skipped without recursion.
    public static let maxDepth = 64

    public static func parse(_ file: SourceFile) -> SyntaxTree {
        let lexed = Lexer.lex(file)
        var parser = Parser(tokens: lexed.tokens, file: file)
        let statements = parser.parseStatements(depth: 0)
        return SyntaxTree(
            file: file.id, statements: statements, comments: lexed.comments,
            diagnostics: lexed.diagnostics + parser.diagnostics.diagnostics)
    }

    private let tokens: [Token]
    private let file: SourceFile
    private var index = 0
    private var diagnostics = DiagnosticBag()
    private var reportedDepth = false

    private init(tokens: [Token], file: SourceFile) {
        self.tokens = tokens
        self.file = file
    }

    private var current: Token { tokens[index] }
    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    /// Statements until `}` (when nested) or end of file.
    private mutating func parseStatements(depth: Int) -> [Statement] {
        var statements: [Statement] = []
        while true {
            switch current.kind {
            case .newline, .semicolon, .invalid:
                advance()
            case .endOfFile:
                return statements
            case .rightBrace:
                if depth > 0 { return statements }
                diagnostics.emit(Catalogue.unmatchedBrace, "`}` does not close any block", at: current.span)
                advance()
            case .word(let keyword):
                if let s = parseStatement(keyword: keyword, depth: depth) { statements.append(s) }
            default:
                diagnostics.emit(
                    Catalogue.unexpectedToken, "expected a statement keyword, found \(current.displayName)", at: current.span,
                    help: "a statement starts with a word, e.g. `service orders { ... }`")
                skipStatement(depth: depth)
            }
        }
    }

    private mutating func parseStatement(keyword: String, depth: Int) -> Statement? {
        let keywordSpan = current.span
        advance()
        var arguments: [Argument] = []
        while true {
            let token = current
            switch token.kind {
            case .word(let w):
                if w.contains(".") {
                    arguments.append(Argument(.qualified(w.split(separator: ".", omittingEmptySubsequences: false).map(String.init)), token.span))
                } else {
                    arguments.append(Argument(.word(w), token.span))
                }
                advance()
            case .string(let s): arguments.append(Argument(.string(s), token.span)); advance()
            case .number(let n): arguments.append(Argument(.number(n), token.span)); advance()
            case .arrow: arguments.append(Argument(.arrow, token.span)); advance()
            case .biArrow: arguments.append(Argument(.biArrow, token.span)); advance()
            case .invalid:
                // Already reported by the lexer; kept so that readers do not report a missing argument too.
                arguments.append(Argument(.invalid, token.span))
                advance()
            case .newline, .semicolon:
                advance()
                return Statement(keyword: keyword, keywordSpan: keywordSpan, arguments: arguments, block: nil)
            case .rightBrace, .endOfFile:
                return Statement(keyword: keyword, keywordSpan: keywordSpan, arguments: arguments, block: nil)
            case .leftBrace:
                let block = parseBlock(depth: depth + 1)
                expectStatementEnd(depth: depth)
                return Statement(keyword: keyword, keywordSpan: keywordSpan, arguments: arguments, block: block)
            }
        }
    }

    /// Parses `{ ... }` starting at `{`. Beyond ``maxDepth`` the block is skipped iteratively.
    private mutating func parseBlock(depth: Int) -> Block? {
        let open = current.span
        if depth > Parser.maxDepth {
            if !reportedDepth {
                reportedDepth = true
                diagnostics.emit(Catalogue.nestingTooDeep, "blocks nest deeper than \(Parser.maxDepth) levels", at: open,
                                 notes: ["the contents of this block are skipped"])
            }
            skipBalancedBlock()
            return nil
        }
        advance()
        let statements = parseStatements(depth: depth)
        if case .rightBrace = current.kind {
            let close = current.span
            advance()
            return Block(open: open, close: close, statements: statements)
        }
        diagnostics.emit(Catalogue.unclosedBlock, "this `{` is never closed", at: open, label: "block opened here")
        return Block(open: open, close: nil, statements: statements)
    }

    /// After a block's `}`, the statement must end (newline, `;`, `}` or end of file).
    private mutating func expectStatementEnd(depth: Int) {
        switch current.kind {
        case .newline, .semicolon: advance()
        case .rightBrace, .endOfFile: break
        default:
            diagnostics.emit(Catalogue.unexpectedToken, "expected a new line or `;` after `}`, found \(current.displayName)", at: current.span,
                             help: "start the next statement on its own line")
            skipStatement(depth: depth)
        }
    }

    /// Skips to the end of the current statement, stepping over whole blocks.
    private mutating func skipStatement(depth: Int) {
        while true {
            switch current.kind {
            case .newline, .semicolon: advance(); return
            case .rightBrace, .endOfFile: return
            case .leftBrace: skipBalancedBlock()
            default: advance()
            }
        }
    }

    /// Skips from `{` past its matching `}` without recursion (reports an unclosed block at end of file).
    private mutating func skipBalancedBlock() {
        let open = current.span
        var level = 0
        while true {
            switch current.kind {
            case .leftBrace: level += 1; advance()
            case .rightBrace:
                level -= 1
                advance()
                if level == 0 { return }
            case .endOfFile:
                diagnostics.emit(Catalogue.unclosedBlock, "this `{` is never closed", at: open, label: "block opened here")
                return
            default: advance()
            }
        }
    }
}
