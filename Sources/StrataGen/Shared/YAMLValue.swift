/// A YAML value built from Swift values: every YAML file strata writes (Envoy, etcd, Kubernetes,
/// compose) is assembled from these and rendered by ``YAMLWriter``, so every scalar taken from a
/// spec is escaped by construction, never spliced into text.
///
/// Mappings keep their insertion order (Kubernetes readers expect `apiVersion`, `kind`, `metadata`,
/// `spec` in that order); a `nil` value in a mapping literal drops the key, which keeps optional
/// fields readable at the call site.
enum YAMLValue: Equatable, Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    /// Multi-line text written as a literal block (`|`), such as a config file inside a ConfigMap.
    /// Text a literal block cannot hold exactly is written double-quoted instead.
    case block(String)
    case list([YAMLValue])
    case mapping([YAMLPair])

    /// An empty mapping (`{}`).
    static let emptyMap = YAMLValue.mapping([])

    /// A mapping from ordered pairs, dropping pairs whose value is nil.
    static func map(_ pairs: [(String, YAMLValue?)]) -> YAMLValue {
        .mapping(pairs.compactMap { key, value in value.map { YAMLPair(key: key, value: $0) } })
    }

    /// A mapping from ordered pairs, dropping pairs whose value is nil.
    static func object(_ pairs: KeyValuePairs<String, YAMLValue?>) -> YAMLValue {
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
