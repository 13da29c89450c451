import Foundation

/// Rules for declared names: DNS labels that also become Swift identifiers.
public enum Names {
    /// Names are at most this long (a Kubernetes label value).
    public static let maxLength = 63

    /// Why `name` is not a lowercase DNS label, or nil when it is one.
    public static func dnsLabelProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { return "it is empty" }
        if bytes.count > maxLength { return "it has \(bytes.count) characters, the limit is \(maxLength)" }
        func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
        func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        guard isLower(bytes[0]) else { return "it must start with a lowercase letter" }
        for c in bytes where !(isLower(c) || isDigit(c) || c == UInt8(ascii: "-")) {
            if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { return "uppercase letters are not allowed" }
            return "`\(Character(Unicode.Scalar(c)))` is not allowed (use lowercase letters, digits and `-`)"
        }
        if bytes.last == UInt8(ascii: "-") { return "it must not end with `-`" }
        return nil
    }

    /// A valid spelling close to `name`, if one is obvious (lowercased, `_` → `-`).
    public static func suggestion(for name: String) -> String? {
        var s = name.lowercased().replacingOccurrences(of: "_", with: "-")
        while s.hasSuffix("-") { s.removeLast() }
        if s.count > maxLength { s = String(s.prefix(maxLength)) }
        while s.hasSuffix("-") { s.removeLast() }
        return dnsLabelProblem(s) == nil && s != name ? s : nil
    }

    /// The lowerCamelCase Swift identifier of a name (`orders-db` → `ordersDb`).
    public static func camelCase(_ name: String) -> String {
        var result = ""
        var upperNext = false
        for ch in name {
            if ch == "-" { upperNext = true; continue }
            if upperNext { result += ch.uppercased(); upperNext = false } else { result.append(ch) }
        }
        return result
    }

    /// The UpperCamelCase Swift type name of a name (`orders-db` → `OrdersDb`).
    public static func pascalCase(_ name: String) -> String {
        let camel = camelCase(name)
        guard let first = camel.first else { return camel }
        return first.uppercased() + camel.dropFirst()
    }
}
