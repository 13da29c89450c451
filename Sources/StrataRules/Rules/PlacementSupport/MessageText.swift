extension PlacementSupport {
    /// A number with at most two decimals and no trailing zeros (`800`, `1333.33`, `0.5`).
    static func number(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return String(describing: value) }
        let hundredths = Int((abs(value) * 100).rounded())
        let sign = value < 0 && hundredths > 0 ? "-" : ""
        let whole = hundredths / 100, fraction = hundredths % 100
        if fraction == 0 { return sign + String(whole) }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction)
        return "\(sign)\(whole).\(digits)"
    }

    /// A rate the way a spec writes it: `800/s`.
    static func rate(_ perSecond: Double) -> String { number(perSecond) + "/s" }

    /// `1 instance`, `3 instances`.
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? singular : plural ?? singular + "s")
    }

    /// How many names a list shows before `and N more`.
    static let listLimit = 10

    /// `a, b, c` for up to ``listLimit`` names, then `and N more`; `total` counts names not passed in.
    static func list(_ names: [String], total: Int? = nil) -> String {
        let total = total ?? names.count
        guard total > listLimit else { return names.joined(separator: ", ") }
        return names.prefix(listLimit).joined(separator: ", ") + " and \(total - listLimit) more"
    }
}
