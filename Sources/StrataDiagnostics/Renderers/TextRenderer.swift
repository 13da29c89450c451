/// Renders diagnostics for people reading a terminal or a CI log:
///
/// ```
/// spec.strata:3:8: error[E0103]: string literal is not closed
///   |
/// 3 |   name "abc
///   |        ^^^^ this string
///   |
///   = note: strings end on the line they start
///   = help: close the string with `"`
/// ```
///
/// The primary span is underlined with `^` and secondary spans with `-`,
/// under exactly the characters they cover: tabs are expanded to stops of
/// ``TerminalText/tabWidth`` columns, wide characters take two cells and
/// control, bidirectional and invisible characters are shown escaped as
/// `\u{1B}` (``VisibleText``), in the source and in every message, label,
/// note and path. A span covering several
/// lines is underlined to the end of its first line. Secondary spans in
/// another file are introduced by `::: path:line:col`. Suppressed diagnostics
/// are not shown (the summary counts them). Rules that were skipped follow
/// the diagnostics, one `path: note: rule X skipped: reason` line each, just
/// before the summary.
///
/// ANSI colour is used only when `color` is true; the caller decides (on a
/// terminal and `NO_COLOR` unset).
public struct TextRenderer: DiagnosticRenderer {
    /// The files the diagnostics point into.
    public let sources: SourceManager
    /// Whether to emit ANSI colour escapes.
    public let color: Bool
    /// Whether to end with a summary line such as `2 errors, 1 warning`.
    public let showsSummary: Bool
    /// Rules that did not (fully) run, listed after the diagnostics.
    public let skipped: [SkippedCheck]

    /// Creates a renderer; `summary` appends a count line after the diagnostics.
    public init(sources: SourceManager, color: Bool, summary: Bool = false) {
        self.init(sources: sources, color: color, summary: summary, skipped: [])
    }

    /// Creates a renderer that also lists the rules that were skipped.
    public init(sources: SourceManager, color: Bool, summary: Bool, skipped: [SkippedCheck]) {
        self.sources = sources
        self.color = color
        self.showsSummary = summary
        self.skipped = skipped
    }

    /// Every unsuppressed diagnostic in output order, separated by blank lines,
    /// then the skipped rules and the summary line when asked for, together in a last block.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        let shown = diagnostics.sortedForOutput().filter { $0.suppression == nil }
        var blocks = shown.map(renderDiagnostic)
        var last = skipped.map(renderSkip).joined()
        if showsSummary {
            var summary = DiagnosticSummary(diagnostics).description
            let rules = SkippedCheck.distinctRules(skipped)
            if rules > 0 { summary += ", \(rules) rule\(rules == 1 ? "" : "s") skipped" }
            last += paint(summary, .bold) + "\n"
        }
        if !last.isEmpty { blocks.append(last) }
        return blocks.joined(separator: "\n")
    }

    /// `path: note: rule X skipped: reason`.
    public func renderSkip(_ skip: SkippedCheck) -> String {
        let location = skip.file.map { paint(TerminalText.sanitize($0) + ":", .bold) + " " } ?? ""
        return location + paint("note", .note) + ": " + TerminalText.sanitize(skip.message) + "\n"
    }

    /// One diagnostic: the header line, the annotated source lines, notes and help.
    public func renderDiagnostic(_ diagnostic: Diagnostic) -> String {
        let primary = ResolvedSpan(diagnostic.primary.span, in: sources)
        let severityStyle = Style(diagnostic.severity)
        var out = paint("\(TerminalText.sanitize(primary.path)):\(primary.start.line):\(primary.start.column):", .bold)
        out += " " + paint("\(diagnostic.severity.rawValue)[\(TerminalText.sanitize(diagnostic.id))]", severityStyle)
        out += paint(": " + TerminalText.sanitize(diagnostic.message), .bold) + "\n"

        let groups = snippetGroups(diagnostic)
        let lineNumberWidth = groups.flatMap { $0.lines.map { String($0.index + 1).count } }.max() ?? 1
        let pad = String(repeating: " ", count: lineNumberWidth)
        let bar = paint("|", .gutter)

        for (number, group) in groups.enumerated() {
            if number > 0 {
                out += pad + " " + bar + "\n"
                let first = ResolvedSpan(group.firstLabel.span, in: sources)
                out += pad + paint(":::", .gutter) + " \(TerminalText.sanitize(first.path)):\(first.start.line):\(first.start.column)\n"
            }
            out += pad + " " + bar + "\n"
            var previousIndex: Int?
            for line in group.lines {
                if let previousIndex, line.index > previousIndex + 1 {
                    out += paint("...", .gutter) + "\n"
                }
                previousIndex = line.index
                out += renderLine(line, in: group.file, pad: pad, lineNumberWidth: lineNumberWidth, severityStyle: severityStyle)
            }
        }

        let helps = diagnostic.help.map { [$0] } ?? []
        if !diagnostic.notes.isEmpty || !helps.isEmpty {
            out += pad + " " + bar + "\n"
            for (kind, text) in diagnostic.notes.map({ ("note", $0) }) + helps.map({ ("help", $0) }) {
                let lead = pad + " = " + paint(kind, .bold) + ": "
                let continuation = "\n" + pad + String(repeating: " ", count: 3 + kind.count + 2)
                let body = text.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { TerminalText.sanitize(String($0)) }
                    .joined(separator: continuation)
                out += lead + body + "\n"
            }
        }
        return out
    }

    // MARK: Source lines

    /// A label placed on one source line.
    private struct PlacedLabel {
        let label: Label
        let isPrimary: Bool
    }

    /// One displayed source line and the labels underlining it.
    private struct SnippetLine {
        let index: Int
        var labels: [PlacedLabel]
    }

    /// The lines shown from one file; the primary file comes first.
    private struct SnippetGroup {
        let file: SourceFile
        let firstLabel: Label
        var lines: [SnippetLine]
    }

    /// Groups labels by file (in order of first appearance, primary first), then by line.
    private func snippetGroups(_ diagnostic: Diagnostic) -> [SnippetGroup] {
        var groups: [SnippetGroup] = []
        let placed = [PlacedLabel(label: diagnostic.primary, isPrimary: true)]
            + diagnostic.secondary.map { PlacedLabel(label: $0, isPrimary: false) }
        for item in placed {
            let file = sources[item.label.span.file]
            let lineIndex = file.lineIndex(of: min(max(0, item.label.span.start), file.bytes.count))
            let groupIndex: Int
            if let existing = groups.firstIndex(where: { $0.file.id == file.id }) {
                groupIndex = existing
            } else {
                groups.append(SnippetGroup(file: file, firstLabel: item.label, lines: []))
                groupIndex = groups.count - 1
            }
            if let lineNumber = groups[groupIndex].lines.firstIndex(where: { $0.index == lineIndex }) {
                groups[groupIndex].lines[lineNumber].labels.append(item)
            } else {
                groups[groupIndex].lines.append(SnippetLine(index: lineIndex, labels: [item]))
            }
        }
        for number in groups.indices {
            groups[number].lines.sort { $0.index < $1.index }
        }
        return groups
    }

    /// `N | source` followed by one underline row per label, left to right.
    private func renderLine(_ line: SnippetLine, in file: SourceFile, pad: String, lineNumberWidth: Int, severityStyle: Style) -> String {
        let range = file.lineRange(line.index)
        let layout = TerminalText.layout(file.bytes, range)
        let number = String(line.index + 1)
        let numberPadding = String(repeating: " ", count: lineNumberWidth - number.count)
        var out = paint(numberPadding + number + " |", .gutter)
        out += layout.text.isEmpty ? "\n" : " " + layout.text + "\n"

        let rows = line.labels.map { placed -> (start: Int, count: Int, placed: PlacedLabel) in
            let span = placed.label.span
            let startCell = layout.startCell(at: span.start)
            // A span running past this line is underlined to the line's end.
            let endCell = span.end > range.upperBound ? layout.width : layout.endCell(at: span.end)
            return (startCell, max(1, endCell - startCell), placed)
        }
        let ordered = rows.enumerated().sorted { a, b in
            if a.element.start != b.element.start { return a.element.start < b.element.start }
            if a.element.placed.isPrimary != b.element.placed.isPrimary { return a.element.placed.isPrimary }
            return a.offset < b.offset
        }.map(\.element)
        for row in ordered {
            let style = row.placed.isPrimary ? severityStyle : .secondary
            var underline = String(repeating: row.placed.isPrimary ? "^" : "-", count: row.count)
            if let message = row.placed.label.message, !message.isEmpty {
                underline += " " + TerminalText.sanitize(message)
            }
            out += pad + " " + paint("|", .gutter) + " " + String(repeating: " ", count: row.start) + paint(underline, style) + "\n"
        }
        return out
    }

    // MARK: Colour

    /// ANSI styles used by the renderer.
    private enum Style {
        case bold, error, warning, note, gutter, secondary

        init(_ severity: Severity) {
            switch severity {
            case .error: self = .error
            case .warning: self = .warning
            case .note: self = .note
            }
        }

        var escape: String {
            switch self {
            case .bold: "\u{1B}[1m"
            case .error: "\u{1B}[1;31m"
            case .warning: "\u{1B}[1;33m"
            case .note: "\u{1B}[1;36m"
            case .gutter, .secondary: "\u{1B}[1;34m"
            }
        }
    }

    private func paint(_ text: String, _ style: Style) -> String {
        color ? style.escape + text + "\u{1B}[0m" : text
    }
}
