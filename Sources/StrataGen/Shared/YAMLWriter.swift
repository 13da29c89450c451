/// Renders ``YAMLValue`` documents as block-style YAML text.
///
/// A small writer rather than Yams' emitter: a 1,000-service spec yields tens of megabytes of YAML,
/// and building a Yams node tree (whose every tag resolves scalars with regular expressions) took
/// seconds and gigabytes for it; this writer takes a fraction of that and no tree. Tests read every
/// kind of value back with Yams' parser and compare.
///
/// The layout is libyaml's: two-space indentation, sequences under a mapping key not indented
/// further, empty collections as `{}` and `[]`. A string is plain only when every YAML 1.1 and 1.2
/// reader takes it as that same string (so `"8080"`, `"on"`, `"1:20"` or `"~"` stay strings), and
/// double-quoted with escapes otherwise; ``YAMLValue/block(_:)`` text is a literal block when a
/// literal block holds it exactly.
enum YAMLWriter {
    /// A file of one or more documents, each starting with `---`, after a `# header` comment line.
    static func file(header: String?, documents: [YAMLValue], unicode: Bool = true) -> String {
        var writer = Output(unicode: unicode)
        if let header { writer.text += comment(header) }
        for document in documents {
            switch document {
            case .mapping(let pairs) where !pairs.isEmpty:
                writer.text += "---\n"
                writer.mapping(pairs, indent: 0, inline: false)
            case .list(let items) where !items.isEmpty:
                writer.text += "---\n"
                writer.list(items, indent: 0, inline: false)
            default:
                writer.text += "--- "
                writer.inline(document, indent: 0)
            }
        }
        return writer.text
    }

    /// One document without a `---` marker; non-ASCII characters are escaped unless `unicode`.
    static func document(_ value: YAMLValue, unicode: Bool = false) -> String {
        var writer = Output(unicode: unicode)
        switch value {
        case .mapping(let pairs) where !pairs.isEmpty: writer.mapping(pairs, indent: 0, inline: false)
        case .list(let items) where !items.isEmpty: writer.list(items, indent: 0, inline: false)
        default: writer.inline(value, indent: 0)
        }
        return writer.text
    }

    /// A `#` comment line; line breaks in `text` become spaces so the comment cannot end early.
    static func comment(_ text: String) -> String {
        let oneLine = String(text.map { $0.isNewline ? " " : $0 })
        return "# " + oneLine + "\n"
    }

    static let yaml11Words: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]

    /// Whether `s` may be written as a plain scalar: it starts with a letter, `/` or `_`, holds
    /// only letters, digits, `-`, `_`, `.` and `/`, and is none of YAML 1.1's boolean or null
    /// words in any case. No YAML 1.1 or 1.2 type pattern (numbers, dates, `.inf`, `<<`) matches
    /// such text, so it reads back as a string.
    static func isSafePlain(_ s: String) -> Bool {
        var bytes = s.utf8.makeIterator()
        guard let first = bytes.next() else { return false }
        guard isLetter(first) || first == UInt8(ascii: "/") || first == UInt8(ascii: "_") else { return false }
        while let c = bytes.next() {
            let ok = isLetter(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "/")
            if !ok { return false }
        }
        return s.utf8.count > 5 || !yaml11Words.contains(s.lowercased())
    }

    private static func isLetter(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }

    /// The text being written.
    private struct Output {
        let unicode: Bool
        var text = ""

        init(unicode: Bool) {
            self.unicode = unicode
            text.reserveCapacity(1 << 16)
        }

        /// Indentation strings by width, built once.
        static let spaces: [String] = (0...128).map { String(repeating: " ", count: $0) }

        mutating func pad(_ count: Int) {
            if count < Self.spaces.count {
                text += Self.spaces[count]
            } else {
                text += String(repeating: " ", count: count)
            }
        }

        /// The pairs of a non-empty mapping at `indent`; with `inline`, the first key follows text
        /// already on the line (a `- `).
        mutating func mapping(_ pairs: [YAMLPair], indent: Int, inline: Bool) {
            for (index, pair) in pairs.enumerated() {
                if index > 0 || !inline { pad(indent) }
                scalar(pair.key)
                text += ":"
                value(pair.value, indent: indent, underKey: true)
            }
        }

        /// The items of a non-empty list at `indent`; with `inline`, the first item's `- ` follows
        /// text already on the line.
        mutating func list(_ items: [YAMLValue], indent: Int, inline: Bool) {
            for (index, item) in items.enumerated() {
                if index > 0 || !inline { pad(indent) }
                text += "-"
                value(item, indent: indent, underKey: false)
            }
        }

        /// A value after `key:` or `-` (nothing written after the marker yet).
        mutating func value(_ value: YAMLValue, indent: Int, underKey: Bool) {
            switch value {
            case .mapping(let pairs) where !pairs.isEmpty:
                if underKey {
                    text += "\n"
                    mapping(pairs, indent: indent + 2, inline: false)
                } else {
                    text += " "
                    mapping(pairs, indent: indent + 2, inline: true)
                }
            case .list(let items) where !items.isEmpty:
                if underKey {
                    text += "\n"
                    list(items, indent: indent, inline: false)
                } else {
                    text += " "
                    list(items, indent: indent + 2, inline: true)
                }
            default:
                text += " "
                inline(value, indent: indent)
            }
        }

        /// A scalar, an empty collection or a literal block, ending the line.
        mutating func inline(_ value: YAMLValue, indent: Int) {
            switch value {
            case .string(let s): scalar(s)
            case .int(let n): text += String(n)
            case .bool(let b): text += b ? "true" : "false"
            case .block(let s):
                block(s, indent: indent + 2)
                return
            case .list: text += "[]"
            case .mapping: text += "{}"
            }
            text += "\n"
        }

        mutating func scalar(_ s: String) {
            if YAMLWriter.isSafePlain(s) {
                text += s
            } else {
                doubleQuoted(s)
            }
        }

        /// A literal block scalar whose lines sit at `indent`, or a double-quoted scalar when a
        /// literal block cannot hold `s` exactly and cleanly: empty text, a leading space, tab or
        /// line break, a trailing space or tab on a line, a carriage return or a character needing
        /// an escape.
        mutating func block(_ s: String, indent: Int) {
            guard Self.fitsLiteralBlock(s, unicode: unicode) else {
                doubleQuoted(s)
                text += "\n"
                return
            }
            var lines = s.split(separator: "\n", omittingEmptySubsequences: false)
            let chomp: String
            if lines.last == "" {
                lines.removeLast()
                chomp = lines.last == "" ? "+" : ""
            } else {
                chomp = "-"
            }
            text += "|" + chomp + "\n"
            for line in lines {
                if !line.isEmpty {
                    pad(indent)
                    text.append(contentsOf: line)
                }
                text += "\n"
            }
        }

        static func fitsLiteralBlock(_ s: String, unicode: Bool) -> Bool {
            guard let first = s.unicodeScalars.first, first != " ", first != "\t", first != "\n" else { return false }
            var previous: Unicode.Scalar = "\n"
            for c in s.unicodeScalars {
                if c == "\n" {
                    if previous == " " || previous == "\t" { return false }
                } else if c == "\t" {
                    // A tab inside a line is kept as is.
                } else if escape(c, unicode: unicode) != nil {
                    return false
                }
                previous = c
            }
            return previous != " " && previous != "\t"
        }

        mutating func doubleQuoted(_ s: String) {
            text += "\""
            if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                text += s
                text += "\""
                return
            }
            for c in s.unicodeScalars {
                if let escaped = Self.escape(c, unicode: unicode) {
                    text += escaped
                } else if c == "\"" {
                    text += "\\\""
                } else if c == "\\" {
                    text += "\\\\"
                } else {
                    text.unicodeScalars.append(c)
                }
            }
            text += "\""
        }

        /// The escape sequence for `c` when it is not printable as itself in YAML (or not ASCII
        /// when not `unicode`); nil when it can be written as is.
        static func escape(_ c: Unicode.Scalar, unicode: Bool) -> String? {
            switch c.value {
            case 0x20...0x7E: return nil
            case 0x00: return "\\0"
            case 0x07: return "\\a"
            case 0x08: return "\\b"
            case 0x09: return "\\t"
            case 0x0A: return "\\n"
            case 0x0B: return "\\v"
            case 0x0C: return "\\f"
            case 0x0D: return "\\r"
            case 0x1B: return "\\e"
            case 0x85: return "\\N"
            case 0x2028: return "\\L"
            case 0x2029: return "\\P"
            case 0x01...0x1F, 0x7F...0x9F: return "\\x" + hex(c.value, digits: 2)
            case 0xFEFF, 0xFFFE, 0xFFFF: return "\\u" + hex(c.value, digits: 4)
            default:
                if unicode { return nil }
                return c.value > 0xFFFF ? "\\U" + hex(c.value, digits: 8) : "\\u" + hex(c.value, digits: 4)
            }
        }

        static func hex(_ value: UInt32, digits: Int) -> String {
            let text = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
    }
}
