import StrataDiagnostics

/// A small XML writer into a byte buffer: elements, attributes and text, with
/// every attribute value and text escaped and one element per line indented by depth.
struct XMLWriter {
    private(set) var bytes: [UInt8] = []
    private var depth = 0

    init(capacity: Int = 1 << 16) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends trusted markup (the XML declaration).
    mutating func raw(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    /// `<name a="v" ...>` and one level deeper.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        startTag(name, attributes)
        bytes.append(UInt8(ascii: ">"))
        bytes.append(UInt8(ascii: "\n"))
        depth += 1
    }

    /// `</name>` one level up.
    mutating func close(_ name: String) {
        depth -= 1
        indent()
        bytes.append(contentsOf: "</".utf8)
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: ">\n".utf8)
    }

    /// `<name a="v" .../>`.
    mutating func empty(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        startTag(name, attributes)
        bytes.append(contentsOf: "/>\n".utf8)
    }

    /// `<name a="v" ...>text</name>` with the text escaped.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String) {
        startTag(name, attributes)
        bytes.append(UInt8(ascii: ">"))
        escape(text, attribute: false)
        bytes.append(contentsOf: "</".utf8)
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: ">\n".utf8)
    }

    /// `<path class="line" d="M… V… H…" marker-end="url(#MARKER)"/>` for an orthogonal polyline, written without temporaries.
    mutating func polyline(_ points: [Point], cssClass: String, marker: String) {
        indent()
        bytes.append(contentsOf: "<path class=\"".utf8)
        bytes.append(contentsOf: cssClass.utf8)
        bytes.append(contentsOf: "\" d=\"".utf8)
        for (i, p) in points.enumerated() {
            if i == 0 {
                bytes.append(UInt8(ascii: "M"))
                number(p.x)
                bytes.append(UInt8(ascii: ","))
                number(p.y)
                continue
            }
            let prev = points[i - 1]
            if prev.x == p.x {
                bytes.append(contentsOf: " V".utf8)
                number(p.y)
            } else if prev.y == p.y {
                bytes.append(contentsOf: " H".utf8)
                number(p.x)
            } else {
                bytes.append(contentsOf: " L".utf8)
                number(p.x)
                bytes.append(UInt8(ascii: ","))
                number(p.y)
            }
        }
        bytes.append(contentsOf: "\" marker-end=\"url(#".utf8)
        bytes.append(contentsOf: marker.utf8)
        bytes.append(contentsOf: ")\"/>\n".utf8)
    }

    /// A coordinate as `fmt` writes it, straight into the buffer.
    private mutating func number(_ v: Double) {
        let tenths = Int((v * 10).rounded())
        if tenths == 0 { bytes.append(UInt8(ascii: "0")); return }
        if tenths < 0 { bytes.append(UInt8(ascii: "-")) }
        let a = abs(tenths)
        digits(a / 10)
        if a % 10 != 0 {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0") + UInt8(a % 10))
        }
    }

    private mutating func digits(_ n: Int) {
        if n >= 10 { digits(n / 10) }
        bytes.append(UInt8(ascii: "0") + UInt8(n % 10))
    }

    /// Indented, escaped text lines (a style sheet's body).
    mutating func textLines(_ lines: [String]) {
        for line in lines {
            indent()
            escape(line, attribute: false)
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    private mutating func indent() {
        for _ in 0..<depth { bytes.append(UInt8(ascii: " ")) }
    }

    private mutating func startTag(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        indent()
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        for (k, v) in attributes {
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: k.utf8)
            bytes.append(contentsOf: "=\"".utf8)
            escape(v, attribute: true)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// XML 1.0 escaping: markup characters as entities, quotes and whitespace in attributes as
    /// references; every other control, bidirectional or invisible character shown as `\u{1B}`
    /// (``VisibleText``, as in every other output), and the non-characters U+FFFE/U+FFFF as U+FFFD.
    private mutating func escape(_ s: String, attribute: Bool) {
        // Fast path: printable ASCII without markup (or quotes, in an attribute).
        var clean = true
        for b in s.utf8 where b < 0x20 || b >= 0x7F || b == 0x26 || b == 0x3C || b == 0x3E || (attribute && (b == 0x22 || b == 0x27)) {
            clean = false
            break
        }
        if clean {
            bytes.append(contentsOf: s.utf8)
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": bytes.append(contentsOf: "&amp;".utf8)
            case "<": bytes.append(contentsOf: "&lt;".utf8)
            case ">": bytes.append(contentsOf: "&gt;".utf8)
            case "\"" where attribute: bytes.append(contentsOf: "&quot;".utf8)
            case "'" where attribute: bytes.append(contentsOf: "&apos;".utf8)
            case "\n" where attribute: bytes.append(contentsOf: "&#10;".utf8)
            case "\t" where attribute: bytes.append(contentsOf: "&#9;".utf8)
            case "\r": bytes.append(contentsOf: "&#13;".utf8)
            case "\n", "\t": bytes.append(UInt8(scalar.value))
            case "\u{FFFE}", "\u{FFFF}":
                appendScalar("\u{FFFD}")
            default:
                if VisibleText.needsEscape(scalar) {
                    bytes.append(contentsOf: VisibleText.escape(scalar).utf8)
                } else if scalar.value < 0x80 {
                    bytes.append(UInt8(scalar.value))
                } else {
                    appendScalar(scalar)
                }
            }
        }
    }

    private mutating func appendScalar(_ scalar: Unicode.Scalar) {
        bytes.append(contentsOf: String(scalar).utf8)
    }
}

/// A coordinate with at most one decimal, no trailing `.0`, never `-0`.
func fmt(_ v: Double) -> String {
    let tenths = Int((v * 10).rounded())
    if tenths == 0 { return "0" }
    let sign = tenths < 0 ? "-" : ""
    let a = abs(tenths)
    return a % 10 == 0 ? sign + String(a / 10) : sign + String(a / 10) + "." + String(a % 10)
}
