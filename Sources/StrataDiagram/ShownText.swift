import StrataDiagnostics

/// How text from a spec is shown in every diagram output (SVG, DOT, Mermaid): escaped and cut to size.
///
/// A spec may hold a 100,000-character description or header name, and any Unicode scalar in a
/// string. Control, bidirectional and invisible characters are shown as `\u{1B}` (``VisibleText``),
/// and text is cut with `…`: Graphviz rejects strings over 16 KiB, and nobody reads such a label.
/// The SVG's scene passes all its text through here before layout (``Scene/showText()``), so boxes
/// are measured for the text they draw.
enum ShownText {
    /// Characters (Unicode scalars) kept of one line of a label before it is cut with `…`.
    static let maxLineLength = 200
    /// Characters (Unicode scalars) kept of a whole multi-line string (a tooltip) or a wrapped
    /// paragraph before it is cut with `…`.
    static let maxLength = 2_000

    /// The lines of `text` (split at LF) as shown: control, bidirectional and invisible characters
    /// except those in `keeping` as `\u{1B}` (``VisibleText``), each line cut at ``maxLineLength``
    /// and the whole at ``maxLength``.
    static func lines(_ text: String, keeping: Set<Unicode.Scalar> = []) -> [String] {
        var result: [String] = []
        var budget = maxLength
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard budget > 0 else {
                // Lines are left out: say so, unless the last line kept already ends cut.
                if let last = result.last, !last.hasSuffix("…") { result[result.count - 1] += "…" }
                break
            }
            let cut = cutting(VisibleText.escaped(String(line), keeping: keeping), at: min(maxLineLength, budget))
            budget -= cut.unicodeScalars.count
            result.append(cut)
        }
        return result
    }

    /// `text` cut to `limit` Unicode scalars, the last one replaced by `…` when it is longer.
    static func cutting(_ text: String, at limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars.prefix(max(0, limit - 1)))
        out.append("…")
        return String(out)
    }

    /// One line (a label, a comment): the lines of `text` joined by spaces, escaped, cut at ``maxLineLength``.
    static func line(_ text: String) -> String {
        paragraph(text, limit: maxLineLength)
    }

    /// One line that is wrapped when drawn (a description, a finding's message): as ``line(_:)``,
    /// cut at `limit` (``maxLength``).
    static func paragraph(_ text: String, limit: Int = maxLength) -> String {
        // Cut before escaping too, so that a huge text is never escaped whole.
        let head = cutting(text, at: limit + 1)
        return cutting(VisibleText.escaped(head.split(separator: "\n").joined(separator: " ")), at: limit)
    }

    /// A text that is not drawn but read (a tooltip, the `<desc>`): escaped as ``lines(_:keeping:)``
    /// but keeping line breaks and tabs (XML carries them as they are), cut at ``maxLength`` in all.
    static func block(_ text: String) -> String {
        let head = cutting(text, at: maxLength + 1)
        return cutting(VisibleText.escaped(head, keeping: ["\n", "\t"]), at: maxLength)
    }
}
