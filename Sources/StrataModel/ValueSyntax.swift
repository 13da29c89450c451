/// What the values a spec hands to generated formats may hold, checked once by the compiler
/// against the strictest format each lands in, so that `check` and `build` can never disagree and
/// nothing a spec writes can break out of a config, a header, a Swift literal or a comment.
///
/// | value | lands in | allowed |
/// |---|---|---|
/// | endpoint paths, route prefixes | nginx `location`, Envoy routes, Swift string literals, URLs | ASCII letters, digits, `/ - . _ ~`, and `{name}` parameters; no `.` or `..` segment |
/// | header names (`key`, `route header`) | Envoy header matchers and hash policies, nginx `$http_…`, HTTP | a letter, then letters, digits and `-` |
/// | cookie names (`route cookie`) | Envoy cookie hash policies, `Cookie` headers | a letter, then letters, digits, `-` and `_` |
/// | shard keys | the data proxy's field name, JSON keys | a letter or `_`, then letters, digits, `_`, `-` and `.` |
/// | CDN paths | cache rules, nginx `location` | like a path, with an optional `*` at the end |
///
/// Everything else (control characters, bidi overrides, zero-width characters, the BOM, quotes,
/// `$`, `;`, braces, spaces, non-ASCII look-alikes) is refused with a located diagnostic.
public enum ValueSyntax {
    /// Longest path or prefix accepted.
    public static let maxPathLength = 1024
    /// Longest header, cookie or field name accepted.
    public static let maxNameLength = 100

    /// Why `path` cannot be an endpoint path or route prefix, or nil.
    public static func pathProblem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "must start with `/`" }
        guard path.utf8.count <= maxPathLength else { return "is longer than \(maxPathLength) bytes" }
        var depth = 0
        var parameter = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "{":
                depth += 1
                if depth > 1 { return "has nested `{`" }
                parameter = ""
            case "}":
                depth -= 1
                if depth < 0 { return "has `}` without `{`" }
                if parameter.isEmpty { return "has an empty `{}` parameter" }
                if let first = parameter.unicodeScalars.first, !(isLetter(first) || first == "_") {
                    return "has a parameter `{\(parameter)}` that does not start with a letter or `_`"
                }
            default:
                if depth > 0 {
                    guard isLetter(scalar) || isDigit(scalar) || scalar == "_" else {
                        return "has a parameter name with \(describe(scalar)); parameters hold letters, digits and `_`"
                    }
                    parameter.unicodeScalars.append(scalar)
                } else if !isPathCharacter(scalar) {
                    return "holds \(describe(scalar)); paths hold ASCII letters, digits, `/ - . _ ~` and `{name}` parameters"
                }
            }
        }
        if depth != 0 { return "has an unclosed `{`" }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() where segment == "." || segment == ".." {
            return "has a `\(segment)` segment"
        }
        return nil
    }

    /// Why `path` cannot be a CDN path pattern, or nil.
    public static func cdnPathProblem(_ path: String) -> String? {
        let body = path.hasSuffix("*") ? String(path.dropLast()) : path
        if body.contains("*") { return "may hold `*` only at its end" }
        if body.contains("{") || body.contains("}") { return "holds a `{`; a CDN path is a plain prefix, optionally ending in `*`" }
        return pathProblem(body.isEmpty ? "/" : body)
    }

    /// Why `name` cannot be an HTTP header name, or nil.
    public static func headerNameProblem(_ name: String) -> String? {
        token(name, what: "a header name", rest: "letters, digits and `-`") { isLetter($0) || isDigit($0) || $0 == "-" }
    }

    /// Why `name` cannot be a cookie name, or nil.
    public static func cookieNameProblem(_ name: String) -> String? {
        token(name, what: "a cookie name", rest: "letters, digits, `-` and `_`") { isLetter($0) || isDigit($0) || $0 == "-" || $0 == "_" }
    }

    /// Why `name` cannot be a shard key field, or nil.
    public static func fieldNameProblem(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first else { return "is empty" }
        guard isLetter(first) || first == "_" else { return "must start with a letter or `_`" }
        guard name.utf8.count <= maxNameLength else { return "is longer than \(maxNameLength) bytes" }
        for scalar in name.unicodeScalars where !(isLetter(scalar) || isDigit(scalar) || "_-.".unicodeScalars.contains(scalar)) {
            return "holds \(describe(scalar)); a field name holds letters, digits, `_`, `-` and `.`"
        }
        return nil
    }

    private static func token(_ name: String, what: String, rest: String, allowed: (Unicode.Scalar) -> Bool) -> String? {
        guard let first = name.unicodeScalars.first else { return "is empty" }
        guard isLetter(first) else { return "must start with a letter" }
        guard name.utf8.count <= maxNameLength else { return "is longer than \(maxNameLength) bytes" }
        for scalar in name.unicodeScalars where !allowed(scalar) {
            return "holds \(describe(scalar)); \(what) holds a letter, then \(rest)"
        }
        return nil
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool { (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") }
    static func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
    static func isPathCharacter(_ s: Unicode.Scalar) -> Bool { isLetter(s) || isDigit(s) || "/-._~".unicodeScalars.contains(s) }

    /// `a space`, `` `$` ``, `U+202E`: a character named so that the message shows it without
    /// interpreting it (no raw control, bidi or invisible character ever reaches a diagnostic).
    public static func describe(_ s: Unicode.Scalar) -> String {
        if s == " " { return "a space" }
        if s.value >= 0x21 && s.value < 0x7F { return s == "`" ? "a backquote" : "`\(s)`" }
        return "U+" + String(s.value, radix: 16, uppercase: true).leftPadded(to: 4)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
