/// A JSON value, written by ``JSONWriter`` with sorted keys so that output is
/// byte-identical run to run and platform to platform.
///
/// Public so that callers can add sections to a JSON document
/// (see ``JSONRenderer/sections``).
public enum JSONValue: Hashable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    case null
    case bool(Bool)
    case int(Int)
    /// A finite number, written in the shortest form that reads back exactly
    /// (`19.5`, `0.99992`); NaN and infinities are written as `null`.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// `.string(text)`, or `.null` when `text` is nil.
    public static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// `.number(value)`, or `.null` when `value` is nil.
    public static func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }

    /// The document text: pretty-printed, keys sorted, with a final newline.
    public var text: String { JSONWriter.write(self) }
}

/// Writes ``JSONValue``s pretty-printed with two-space indentation, keys in
/// ascending order of their Unicode scalars, and a final newline.
enum JSONWriter {
    /// The document text of `value`.
    static func write(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        out += "\n"
        return out
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .number(let number): out += numberText(number)
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (position, item) in items.enumerated() {
                out += String(repeating: "  ", count: indent + 1)
                write(item, indent: indent + 1, into: &out)
                out += position + 1 < items.count ? ",\n" : "\n"
            }
            out += String(repeating: "  ", count: indent) + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{\n"
            let keys = members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            for (position, key) in keys.enumerated() {
                out += String(repeating: "  ", count: indent + 1)
                writeString(key, into: &out)
                out += ": "
                write(members[key]!, indent: indent + 1, into: &out)
                out += position + 1 < keys.count ? ",\n" : "\n"
            }
            out += String(repeating: "  ", count: indent) + "}"
        }
    }

    /// A finite double as JSON: integral values without a fraction (`400`),
    /// others in Swift's shortest round-tripping form (`19.5`, `1e-05`).
    static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; every
    /// other character that ``VisibleText`` shows escaped (C1 controls, bidirectional and
    /// invisible format characters, U+2028/U+2029) written as `\uXXXX` too, so that the
    /// document itself never carries them raw (and is also valid JavaScript). The escapes
    /// are JSON's own: a reader decodes the exact text.
    static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if VisibleText.needsEscape(scalar) {
                    for unit in String(scalar).utf16 {
                        let hex = String(unit, radix: 16, uppercase: true)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
