import Yams

/// A YAML document built from Swift values and serialised by Yams (never by concatenating text).
///
/// Every string becomes a string scalar: Yams quotes and escapes it when it would otherwise read as
/// another type or break the syntax, so spec values are escaped by construction. Mappings keep
/// the order they are written in.
indirect enum ConfigYAML: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([ConfigYAML])
    case map([(String, ConfigYAML)])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: ConfigYAML...) { self = .list(elements) }

    /// A mapping of the pairs whose value is not nil, in the given order.
    static func object(_ pairs: KeyValuePairs<String, ConfigYAML?>) -> ConfigYAML {
        .map(pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    /// The Yams node of this value.
    var node: Node {
        switch self {
        case .string(let s): .scalar(s.represented())
        case .int(let n): Node(String(n), Tag(.int), .plain)
        case .bool(let b): Node(b ? "true" : "false", Tag(.bool), .plain)
        case .list(let items): Node(items.map(\.node))
        case .map(let pairs): Node(pairs.map { (Node.scalar($0.0.represented()), $0.1.node) })
        }
    }

    /// The YAML text (block style, unlimited width, non-ASCII escaped), ending with a newline.
    func serialized() throws -> String {
        try Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: false, sortKeys: false)
    }
}
