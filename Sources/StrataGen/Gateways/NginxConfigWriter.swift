/// One argument of an nginx directive.
enum NginxArgument: ExpressibleByStringLiteral {
    /// A token the generator builds (`127.0.0.1:18000`, `$http_x_user_id`). Written as is when it is a
    /// plain token, quoted and escaped otherwise, so even a mistake cannot break the syntax.
    case word(String)
    /// Any text (spec values such as path prefixes): always double-quoted and escaped.
    case quoted(String)

    init(stringLiteral value: String) { self = .word(value) }

    /// The argument as nginx reads it.
    var rendered: String {
        switch self {
        case .word(let w): NginxArgument.isPlainToken(w) ? w : NginxArgument.quote(w)
        case .quoted(let s): NginxArgument.quote(s)
        }
    }

    /// True when `token` needs no quotes: non-empty, and no whitespace, quote, backslash, `;`, `{`, `}`,
    /// `#` or control character (the characters nginx's tokenizer treats specially).
    static func isPlainToken(_ token: String) -> Bool {
        !token.isEmpty && !token.unicodeScalars.contains { c in
            c.value < 0x21 || c.value == 0x7F || "\"'\\;{}#".unicodeScalars.contains(c)
        }
    }

    /// `"text"` with `\`, `"` and `'` escaped and tabs and line breaks written as `\t`, `\r`, `\n`
    /// (the escapes nginx decodes inside quotes). Other characters, `$` included, stay literal; spec
    /// values are only placed where nginx does not expand variables.
    static func quote(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}

/// Writes nginx configuration text: directives and nested blocks, indented by four spaces.
struct NginxConfigWriter {
    private(set) var text = ""
    private var depth = 0

    /// `# ...` lines, each kept on one line whatever it holds.
    mutating func comment(_ lines: String...) {
        for line in lines { write(line.isEmpty ? "#" : "# " + CommentText.oneLine(line)) }
    }

    mutating func blank() { text += "\n" }

    /// `name arg...;` (in a `map` block the name is the value to match, so it is an argument too).
    mutating func directive(_ name: NginxArgument, _ arguments: NginxArgument...) {
        write(([name] + arguments).map(\.rendered).joined(separator: " ") + ";")
    }

    /// `name arg... { body }`
    mutating func block(_ name: String, _ arguments: NginxArgument..., body: (inout NginxConfigWriter) throws -> Void) rethrows {
        write(([name] + arguments.map(\.rendered) + ["{"]).joined(separator: " "))
        depth += 1
        try body(&self)
        depth -= 1
        write("}")
    }

    private mutating func write(_ line: String) {
        text += String(repeating: "    ", count: depth) + line + "\n"
    }
}
