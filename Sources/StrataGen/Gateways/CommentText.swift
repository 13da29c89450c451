/// Text placed in line comments of generated files (`#` in YAML, nginx and shell).
enum CommentText {
    /// `text` on one line: line breaks and other control or invisible separator characters become visible
    /// escapes (`\n`, `\u{2028}`), so a spec value can never end a comment early and inject configuration.
    static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let v = scalar.value
                if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF || v == 0xFFFE || v == 0xFFFF {
                    out += "\\u{" + String(v, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `lines` as `# ` comment lines, each made safe with ``oneLine(_:)``, ending with a newline.
    static func hashComment(_ lines: [String]) -> String {
        lines.map { $0.isEmpty ? "#\n" : "# " + oneLine($0) + "\n" }.joined()
    }
}
