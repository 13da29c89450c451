import Yams

/// A YAML value built from Swift values. Deployment files are assembled from these and rendered by
/// Yams, so every scalar taken from a spec is escaped by construction, never spliced into text.
///
/// Mappings keep their insertion order (Kubernetes readers expect `apiVersion`, `kind`, `metadata`,
/// `spec` in that order); a `nil` value in a mapping literal drops the key, which keeps optional
/// fields readable at the call site.
enum YAMLValue: Equatable, Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    /// Multi-line text written as a literal block (`|`), such as a config file inside a ConfigMap.
    case block(String)
    case list([YAMLValue])
    case mapping([YAMLPair])

    /// An empty mapping (`{}`).
    static let emptyMap = YAMLValue.mapping([])

    /// A mapping from ordered pairs, dropping pairs whose value is nil.
    static func map(_ pairs: [(String, YAMLValue?)]) -> YAMLValue {
        .mapping(pairs.compactMap { key, value in value.map { YAMLPair(key: key, value: $0) } })
    }

    /// A mapping from ordered pairs.
    static func map(_ pairs: [YAMLPair]) -> YAMLValue { .mapping(pairs) }

    /// A list of strings.
    static func strings(_ values: [String]) -> YAMLValue { .list(values.map(YAMLValue.string)) }

    /// The value under `key`, when this is a mapping.
    subscript(key: String) -> YAMLValue? {
        guard case .mapping(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }
}

/// One key and value of a ``YAMLValue`` mapping.
struct YAMLPair: Equatable, Sendable {
    let key: String
    let value: YAMLValue
}

extension YAMLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: YAMLValue...) { self = .list(elements) }
    init(dictionaryLiteral elements: (String, YAMLValue?)...) { self = .map(elements) }
}

/// Renders ``YAMLValue`` documents into YAML text through Yams.
enum YAMLWriter {
    /// A file of one or more documents, each starting with `---`, after a `# header` comment line.
    static func file(header: String?, documents: [YAMLValue]) throws -> String {
        let body: String
        do {
            body = try Yams.serialize(nodes: documents.map(node), width: -1, allowUnicode: true, explicitStart: true)
        } catch {
            throw GenerationError("cannot render YAML: \(error)")
        }
        guard let header else { return body }
        return comment(header) + body
    }

    /// A `#` comment line; line breaks in `text` become spaces so the comment cannot end early.
    static func comment(_ text: String) -> String {
        let oneLine = String(text.map { $0.isNewline ? " " : $0 })
        return "# " + oneLine + "\n"
    }

    /// The Yams node of a value.
    static func node(_ value: YAMLValue) -> Node {
        switch value {
        case .string(let s): return .scalar(scalar(s))
        case .int(let i): return .scalar(Node.Scalar(String(i), Tag(.int), .plain))
        case .bool(let b): return .scalar(Node.Scalar(b ? "true" : "false", Tag(.bool), .plain))
        case .block(let s): return .scalar(Node.Scalar(s, Tag(.str), .literal))
        case .list(let items): return .sequence(Node.Sequence(items.map(node), Tag(.seq), .block))
        case .mapping(let pairs):
            return .mapping(Node.Mapping(pairs.map { (.scalar(scalar($0.key)), node($0.value)) }, Tag(.map), .block))
        }
    }

    /// A string scalar: plain only when every YAML 1.1 and 1.2 reader takes it as that same string
    /// (so `"8080"`, `"on"`, `"1:20"` or `"~"` stay strings), double-quoted otherwise.
    static func scalar(_ s: String) -> Node.Scalar {
        isSafePlain(s) ? Node.Scalar(s, Tag(.str), .plain) : Node.Scalar(s, Tag(.str), .doubleQuoted)
    }

    static let yaml11Words: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]

    static func isSafePlain(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first else { return false }
        let letters = ("a"..."z").contains(first) || ("A"..."Z").contains(first) || first == "/" || first == "_"
        guard letters, !yaml11Words.contains(s.lowercased()) else { return false }
        for c in s.unicodeScalars {
            let ok = ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
                || c == "-" || c == "_" || c == "." || c == "/"
            if !ok { return false }
        }
        return Resolver.default.resolveTag(of: .scalar(Node.Scalar(s))) == .str
    }
}
