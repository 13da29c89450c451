import StrataDiagnostics

/// Prints a syntax tree in the one canonical layout of `.strata` files
/// (`strata fmt`). The layout depends only on the tree, its comments and a
/// few choices the author made (which blocks are written on one line, where
/// blank lines separate statements), so formatting is idempotent:
/// `format(format(x)) == format(x)`.
///
/// The canonical rules:
///
/// - **Statements.** Every statement prints as `keyword argument*`, single-spaced,
///   one statement per line; `;` separators become line breaks. Each argument is
///   reprinted from its original source text, so strings keep their escapes and
///   numbers their units; arrows get a space on each side (`a -> b`).
/// - **Blocks.** Two spaces of indentation per block level. A block opens with
///   ` {` on its statement's line and closes with `}` on its own line at the
///   statement's indentation. An empty block without comments prints as `{}`.
/// - **One-line blocks.** A block the author wrote on one source line (its `{`
///   and `}` on the same line) that holds no nested block and no comment stays
///   on one line, its statements joined by `; `: `idc sh-a { racks 2 }`,
///   `cdn { path "/static/*"; ttl 1h }`.
/// - **Comments.** Every comment is kept, with its text unchanged except that
///   trailing whitespace is removed from each of its lines.
///   - A comment that starts on the line where code ends is a *trailing*
///     comment of that line; it stays there. So does a comment written between
///     the arguments of a statement, or between its arguments and its `{`:
///     it moves to the end of the statement's line.
///   - Any other comment sits on its own line at the indentation of what
///     follows it: the next statement, or (before a `}`) the block's contents,
///     or (at the end of the file) the top level. Comments that were written on
///     one line stay together on one line, separated by one space.
///   - Trailing comments are separated from the code by at least two spaces.
///     Consecutive lines of one block that all carry a trailing comment form a
///     run whose comments are aligned to one column: two spaces after the
///     longest line of the run (as `gofmt` does). A line without a trailing
///     comment, a blank line or a comment line ends the run.
///   - The second and later lines of a multi-line block comment are reproduced
///     verbatim (only trailing whitespace is removed), never re-indented.
/// - **Blank lines.** Where the author left one or more blank lines between two
///   statements or comments, exactly one is kept; there are none at the start of
///   the file, right after `{` or right before `}`.
/// - **File.** No trailing whitespace; a non-empty file ends with exactly one
///   line break; a file with neither statements nor comments formats to the
///   empty string. Line breaks are `\n`, or `\r\n` when the file's first line
///   break is `\r\n`. A leading UTF-8 byte-order mark is kept.
///
/// A tree with syntax errors is not formatted (see ``format(_:source:)``):
/// its statements may be incomplete, and printing them would lose text.
public enum Formatter {
    /// Spaces per block level.
    public static let indentWidth = 2
    /// The minimum number of spaces between code and a trailing comment.
    public static let trailingCommentGap = 2

    /// Returns the canonical text of `tree`, which must have been parsed from `source`.
    ///
    /// Refuses trees with syntax errors (``SyntaxTree/hasErrors``): for such a
    /// tree it returns the source text unchanged, so a caller that forgets to
    /// check can never damage a file. Callers should report the tree's
    /// diagnostics instead of formatting.
    public static func format(_ tree: SyntaxTree, source: SourceFile) -> String {
        if tree.hasErrors { return String(decoding: source.bytes, as: UTF8.self) }
        var printer = LayoutBuilder(source: source, comments: tree.comments)
        printer.build(tree.statements)
        return FormattedLineRenderer(lines: printer.lines, newline: newlineStyle(of: source), byteOrderMark: hasByteOrderMark(source))
            .render()
    }

    /// `"\r\n"` when the first line break of the file is CRLF, otherwise `"\n"`.
    static func newlineStyle(of source: SourceFile) -> String {
        guard let lf = source.bytes.firstIndex(of: UInt8(ascii: "\n")) else { return "\n" }
        return lf > 0 && source.bytes[lf - 1] == UInt8(ascii: "\r") ? "\r\n" : "\n"
    }

    static func hasByteOrderMark(_ source: SourceFile) -> Bool {
        source.bytes.count >= 3 && source.bytes[0] == 0xEF && source.bytes[1] == 0xBB && source.bytes[2] == 0xBF
    }
}

// MARK: - Layout

/// One line of formatted output, before indentation and alignment are applied.
enum FormattedLine: Equatable {
    case blank
    /// Code (a statement, `stmt {`, or `}`) and the comments trailing it.
    case code(indent: Int, text: String, trailing: [String])
    /// Comments on a line of their own, in source order.
    case comments(indent: Int, texts: [String])
}

/// Walks the tree and its comments together in source order and decides the
/// lines of the output. Iterative: an explicit stack replaces recursion over blocks.
struct LayoutBuilder {
    let source: SourceFile
    let comments: [Comment]
    private(set) var lines: [FormattedLine] = []

    /// Index of the next comment not yet placed.
    private var nextComment = 0
    /// End offset of the last code token or comment placed; `nil` before the first.
    private var lastEnd: Int?
    /// Where the next comment on the same source line as `lastEnd` goes.
    private var lastLine: LastLine = .none
    /// True right after `{` and at the start of the file (no blank line may follow).
    private var atBlockStart = true

    private enum LastLine {
        case none
        /// The code line at this index in `lines` (a trailing comment joins it).
        case code(Int)
        /// The own-line comment line at this index in `lines`.
        case comments(Int)
    }

    /// A block whose statements are being printed.
    private struct Frame {
        let statements: [Statement]
        var next = 0
        /// Indentation of the block's statements.
        let depth: Int
        /// The block's closing brace (`nil` for the top level).
        let close: Span?
    }

    init(source: SourceFile, comments: [Comment]) {
        self.source = source
        self.comments = comments.sorted { $0.span.start < $1.span.start }
    }

    mutating func build(_ statements: [Statement]) {
        var stack = [Frame(statements: statements, depth: 0, close: nil)]
        while let top = stack.last {
            if top.next < top.statements.count {
                let statement = top.statements[top.next]
                stack[stack.count - 1].next += 1
                if let block = placeStatement(statement, depth: top.depth) {
                    atBlockStart = true
                    stack.append(Frame(statements: block.statements, depth: top.depth + 1, close: block.close))
                }
            } else {
                stack.removeLast()
                if let close = top.close {
                    placeComments(before: close.start, indent: top.depth)
                    lines.append(.code(indent: top.depth - 1, text: "}", trailing: []))
                    lastLine = .code(lines.count - 1)
                    lastEnd = close.end
                    atBlockStart = false
                }
            }
        }
        placeComments(before: Int.max, indent: 0)
    }

    /// Places a statement's line; returns its block when that block prints over several lines.
    private mutating func placeStatement(_ statement: Statement, depth: Int) -> Block? {
        let start = statement.keywordSpan.start
        placeComments(before: start, indent: depth)
        separateFromPrevious(at: start)
        var text = source.text(statement.keywordSpan)
        for argument in statement.arguments {
            text += " "
            text += source.text(argument.span)
        }
        lines.append(.code(indent: depth, text: text, trailing: []))
        let lineIndex = lines.count - 1
        lastLine = .code(lineIndex)
        // Comments between the arguments, or between the arguments and `{`, trail the statement.
        let headEnd = statement.block?.open.start ?? statement.headSpan.end
        while nextComment < comments.count, comments[nextComment].span.start < headEnd {
            appendTrailing(commentText(comments[nextComment]), to: lineIndex)
            nextComment += 1
        }
        lastEnd = statement.headSpan.end
        guard let block = statement.block else { return nil }
        if let inline = inlineText(of: block) {
            appendCode(" " + inline, to: lineIndex)
            lastEnd = block.close?.end ?? block.open.end
            return nil
        }
        appendCode(" {", to: lineIndex)
        lastEnd = block.open.end
        return block
    }

    /// The one-line form of a block (`{}`, `{ a 1; b 2 }`), or `nil` when it prints over several lines.
    private func inlineText(of block: Block) -> String? {
        guard let close = block.close else { return nil }
        if nextComment < comments.count, comments[nextComment].span.start < close.start { return nil }
        if block.statements.isEmpty { return "{}" }
        guard source.lineIndex(of: block.open.start) == source.lineIndex(of: close.start) else { return nil }
        var parts: [String] = []
        parts.reserveCapacity(block.statements.count)
        for statement in block.statements {
            if statement.block != nil { return nil }
            var text = source.text(statement.keywordSpan)
            for argument in statement.arguments {
                text += " "
                text += source.text(argument.span)
            }
            parts.append(text)
        }
        return "{ " + parts.joined(separator: "; ") + " }"
    }

    /// Places every comment that starts before `offset`: on the line of the code
    /// (or comments) it follows on the same source line, otherwise on its own line.
    private mutating func placeComments(before offset: Int, indent: Int) {
        while nextComment < comments.count, comments[nextComment].span.start < offset {
            let comment = comments[nextComment]
            nextComment += 1
            let text = commentText(comment)
            let sameLine = lastEnd.map { source.lineIndex(of: $0) == source.lineIndex(of: comment.span.start) } ?? false
            switch lastLine {
            case .code(let index) where sameLine:
                appendTrailing(text, to: index)
            case .comments(let index) where sameLine:
                if case .comments(let indent, var texts) = lines[index] {
                    texts.append(text)
                    lines[index] = .comments(indent: indent, texts: texts)
                }
            default:
                separateFromPrevious(at: comment.span.start)
                lines.append(.comments(indent: indent, texts: [text]))
                lastLine = .comments(lines.count - 1)
            }
            lastEnd = comment.span.end
        }
    }

    /// Before an own-line element: one blank line if the author left at least one.
    private mutating func separateFromPrevious(at start: Int) {
        defer { atBlockStart = false }
        guard !atBlockStart, let lastEnd else { return }
        let from = source.lineIndex(of: lastEnd)
        let to = source.lineIndex(of: start)
        guard to - from >= 2 else { return }
        for line in (from + 1)..<to where isBlank(line: line) {
            lines.append(.blank)
            return
        }
    }

    private func isBlank(line: Int) -> Bool {
        for offset in source.lineRange(line) {
            switch source.bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): continue
            default: return false
            }
        }
        return true
    }

    private mutating func appendTrailing(_ text: String, to index: Int) {
        if case .code(let indent, let code, var trailing) = lines[index] {
            trailing.append(text)
            lines[index] = .code(indent: indent, text: code, trailing: trailing)
        }
    }

    private mutating func appendCode(_ suffix: String, to index: Int) {
        if case .code(let indent, let code, let trailing) = lines[index] {
            lines[index] = .code(indent: indent, text: code + suffix, trailing: trailing)
        }
    }

    /// A comment's text with trailing whitespace removed from each of its lines,
    /// its lines joined with `\n`.
    private func commentText(_ comment: Comment) -> String {
        let text = source.text(comment.span)
        guard comment.isBlock, text.utf8.contains(UInt8(ascii: "\n")) else { return text.strippingTrailingWhitespace() }
        // Split on scalars: as a `Character`, "\r\n" is one grapheme and never equals "\n".
        return text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)).strippingTrailingWhitespace() }
            .joined(separator: "\n")
    }
}

// MARK: - Rendering

/// Turns laid-out lines into text: indentation, trailing-comment alignment, line breaks.
struct FormattedLineRenderer {
    let lines: [FormattedLine]
    let newline: String
    let byteOrderMark: Bool

    func render() -> String {
        let columns = trailingCommentColumns()
        var out = byteOrderMark ? "\u{FEFF}" : ""
        for (index, line) in lines.enumerated() {
            switch line {
            case .blank:
                break
            case .code(let indent, let text, let trailing):
                out += String(repeating: " ", count: indent * Formatter.indentWidth)
                out += text
                if !trailing.isEmpty {
                    let gap = max(Formatter.trailingCommentGap, (columns[index] ?? 0) - text.count)
                    out += String(repeating: " ", count: gap)
                    out += verbatim(trailing.joined(separator: " "))
                }
            case .comments(let indent, let texts):
                out += String(repeating: " ", count: indent * Formatter.indentWidth)
                out += verbatim(texts.joined(separator: " "))
            }
            out += newline
        }
        return out
    }

    /// Text whose inner line breaks (in block comments) use the file's newline style.
    private func verbatim(_ text: String) -> String {
        newline == "\n" ? text : text.replacing("\n", with: newline)
    }

    /// For each code line in an alignment run, the column (relative to its
    /// indentation) where its trailing comment starts.
    private func trailingCommentColumns() -> [Int: Int] {
        var columns: [Int: Int] = [:]
        var run: [Int] = []
        var runIndent = -1
        var runWidth = 0
        func finish() {
            if run.count > 1 { for i in run { columns[i] = runWidth + Formatter.trailingCommentGap } }
            run.removeAll(keepingCapacity: true)
            runWidth = 0
        }
        for (index, line) in lines.enumerated() {
            guard case .code(let indent, let text, let trailing) = line, !trailing.isEmpty else {
                finish()
                continue
            }
            let multiLine = trailing.contains { $0.utf8.contains(UInt8(ascii: "\n")) }
            if indent != runIndent || multiLine { finish() }
            if multiLine { continue }
            runIndent = indent
            run.append(index)
            runWidth = max(runWidth, text.count)
        }
        finish()
        return columns
    }
}

extension String {
    /// The string without trailing spaces, tabs and carriage returns.
    func strippingTrailingWhitespace() -> String {
        var end = utf8.endIndex
        while end > utf8.startIndex {
            let previous = utf8.index(before: end)
            switch utf8[previous] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): end = previous
            default: return String(self[..<end])
            }
        }
        return ""
    }
}
