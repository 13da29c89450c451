/// Escaping of text placed into XML 1.0 documents.
enum XMLEscaping {
    /// Character data: `&`, `<`, `>` escaped, CR kept as a reference, LF and tab kept, and
    /// every other control, bidirectional or invisible character shown as `\u{1B}`
    /// (``VisibleText``; XML 1.0 forbids most controls even as references).
    static func text(_ value: String) -> String {
        escape(value, inAttribute: false)
    }

    /// An attribute value in double quotes: as ``text(_:)`` plus quotes, and
    /// tab/LF/CR as references so attribute normalisation keeps them.
    static func attribute(_ value: String) -> String {
        escape(value, inAttribute: true)
    }

    private static func escape(_ value: String, inAttribute: Bool) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where inAttribute: out += "&quot;"
            case "'" where inAttribute: out += "&apos;"
            case "\n" where inAttribute: out += "&#10;"
            case "\t" where inAttribute: out += "&#9;"
            case "\r": out += "&#13;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\u{FFFE}", "\u{FFFF}":
                // Not characters in XML 1.0.
                out += "\u{FFFD}"
            default:
                if VisibleText.needsEscape(scalar) {
                    out += VisibleText.escape(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
