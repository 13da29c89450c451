/// Characters that must never reach a reader raw, and how every output shows them instead.
///
/// A spec written by anyone can put any Unicode scalar into a string (`"\u{1B}[2J"`), and
/// messages, labels, notes and file names quote such strings. Raw, a control character
/// can rewrite a terminal or a CI log (ESC, CR, BEL, the C1 CSI), a line or paragraph
/// separator can start a forged line, and bidirectional or zero-width characters can make
/// a reader see something other than what is there ("Trojan Source"). Every renderer
/// shows these characters as the spec's own escape, `\u{1B}`, through this one helper:
///
/// - control characters (general category Cc: C0, DEL, C1 such as NEL U+0085),
/// - format characters (Cf), which are invisible by definition: bidirectional controls
///   (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), zero-width characters
///   (U+200B–U+200D, U+2060–U+2064, U+FEFF), the soft hyphen, the tag characters, …,
/// - the line and paragraph separators U+2028 and U+2029.
///
/// Formats that escape line breaks themselves (GitHub's `%0A`, XML's `&#10;`, JSON's `\n`)
/// pass them through with ``lineBreaks``.
public enum VisibleText {
    /// Line feed and carriage return, for formats that keep line breaks of multi-line text and escape them their own way.
    public static let lineBreaks: Set<Unicode.Scalar> = ["\n", "\r"]

    /// True when `scalar` is shown escaped: a control, format, line or paragraph separator character.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        // Fast path: printable ASCII.
        if value >= 0x20 && value < 0x7F { return false }
        if value < 0x20 || (0x7F...0x9F).contains(value) { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator:
            return true
        default:
            return false
        }
    }

    /// The escape shown for `scalar`: `\u{1B}` (upper-case hexadecimal, as the spec language writes it).
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// `text` with every character that ``needsEscape(_:)`` escaped, except those in `keeping`.
    public static func escaped(_ text: String, keeping: Set<Unicode.Scalar> = []) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) && !keeping.contains($0) }) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar), !keeping.contains(scalar) {
                out += escape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
