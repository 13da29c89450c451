import StrataDiagnostics

/// Text placed in comments of generated files (`#` in YAML, nginx and shell, `//` in Swift,
/// `<!-- -->` in Markdown).
enum CommentText {
    /// Longest text a comment line carries; longer text is cut with `…` (nginx rejects a config
    /// whose comment line is too long, and nobody reads 100,000 characters in a header).
    static let maxLength = 300

    /// `text` on one line: line breaks, control, bidirectional and invisible characters become
    /// visible escapes (`\n`, `\u{1B}`, `\u{202E}`; ``VisibleText``), cut at ``maxLength``. A spec
    /// value can never end a line comment early and inject configuration.
    static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if VisibleText.needsEscape(scalar) { out += VisibleText.escape(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out.count > maxLength ? String(out.prefix(maxLength - 1)) + "…" : out
    }

    /// ``oneLine(_:)``, also safe inside an HTML comment (`--` broken up): for text that goes into
    /// every comment syntax, such as the header naming the spec's path.
    static func anyComment(_ text: String) -> String {
        var out = oneLine(text)
        while out.contains("--") { out = out.replacingOccurrences(of: "--", with: "- -") }
        return out
    }

    /// `lines` as `# ` comment lines, each made safe with ``oneLine(_:)``, ending with a newline.
    static func hashComment(_ lines: [String]) -> String {
        lines.map { $0.isEmpty ? "#\n" : "# " + oneLine($0) + "\n" }.joined()
    }
}
