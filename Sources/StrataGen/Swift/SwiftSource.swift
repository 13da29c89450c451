import Foundation

/// Spelling spec values as Swift source: string literals, identifiers, numbers and comment text.
/// Every value the services generator places into Swift goes through one of these.
enum SwiftSource {
    /// A Swift string literal whose value is exactly `text`.
    static func stringLiteral(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f || (0x2028...0x2029).contains(scalar.value) {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `[String]` literal.
    static func arrayLiteral(_ values: [String]) -> String {
        "[" + values.map(stringLiteral).joined(separator: ", ") + "]"
    }

    /// An optional string: the literal, or `nil`.
    static func optionalLiteral(_ text: String?) -> String {
        text.map(stringLiteral) ?? "nil"
    }

    /// A number literal: `15`, `0.5`.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `name` as an identifier, backticked when it is a keyword.
    static func identifier(_ name: String) -> String {
        keywords.contains(name) ? "`\(name)`" : name
    }

    /// `text` made safe for a `//` comment: control characters and line separators become spaces.
    static func comment(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.value < 0x20 || scalar.value == 0x7f || (0x2028...0x2029).contains(scalar.value) || scalar.value == 0x85 ? " " : scalar
        }))
    }

    /// `text` as inline code in a doc comment.
    static func code(_ text: String) -> String {
        "`" + comment(text).replacingOccurrences(of: "`", with: "'") + "`"
    }

    /// Words that need backticks to be identifiers.
    static let keywords: Set<String> = [
        "Any", "Protocol", "Self", "Type", "actor", "as", "associatedtype", "async", "await", "break", "case", "catch",
        "class", "consume", "continue", "copy", "default", "defer", "deinit", "discard", "do", "else", "enum",
        "extension", "fallthrough", "false", "fileprivate", "for", "func", "guard", "if", "import", "in", "init",
        "inout", "internal", "is", "let", "nil", "nonisolated", "open", "operator", "package", "precedencegroup",
        "private", "protocol", "public", "repeat", "rethrows", "return", "self", "some", "static", "struct",
        "subscript", "super", "switch", "throw", "throws", "true", "try", "typealias", "var", "where", "while",
    ]
}

/// Lines of Swift with indentation, for code whose shape follows the spec (nested steps).
struct SwiftCodeWriter {
    private(set) var lines: [String] = []
    private var depth: Int
    let indentUnit = "    "

    init(depth: Int = 0) {
        self.depth = depth
    }

    mutating func line(_ text: String) {
        lines.append(text.isEmpty ? "" : String(repeating: indentUnit, count: depth) + text)
    }

    /// Writes `open`, the body one level deeper, then `close`.
    mutating func block(_ open: String, _ close: String, _ body: (inout SwiftCodeWriter) throws -> Void) rethrows {
        line(open)
        depth += 1
        try body(&self)
        depth -= 1
        line(close)
    }

    var text: String { lines.joined(separator: "\n") }
}
