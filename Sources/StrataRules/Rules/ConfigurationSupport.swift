import StrataDiagnostics
import StrataModel

/// Small helpers shared by the configuration rules (those that read declarations only).
enum ConfigurationSupport {
    /// Methods that are idempotent by definition (RFC 9110 §9.2.2): repeating them has the effect of doing it once.
    static let idempotentMethods: Set<HTTPMethod> = [.GET, .HEAD, .PUT, .DELETE, .OPTIONS]

    /// True when retrying `endpoint` is safe: an idempotent method, or marked `idempotent`.
    static func isSafeToRetry(_ endpoint: Endpoint) -> Bool {
        endpoint.idempotent || idempotentMethods.contains(endpoint.method)
    }

    /// A duration the way a spec writes it: `200ms`, `1s`, `0.5ms`.
    static func duration(_ milliseconds: Double) -> String {
        if milliseconds >= 1000, milliseconds.truncatingRemainder(dividingBy: 1000) == 0 {
            return "\(Int(milliseconds / 1000))s"
        }
        return number(milliseconds) + "ms"
    }

    /// A number with at most three decimals and no trailing zeros (`200`, `133.333`, `0.5`).
    static func number(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
        var text = String(format3: rounded)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `1 voter`, `3 voters`.
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? singular : plural ?? singular + "s")
    }

    /// "voters per idc: sh-a 2, sh-b 1": how a component's instances are spread over the domains of `level`,
    /// in order of first appearance.
    static func spread(of instances: [Instance], at level: DomainLevel, in topology: Topology) -> String {
        var order: [DomainID] = []
        var counts: [DomainID: Int] = [:]
        for instance in instances {
            let domain = topology.ancestor(of: instance.machine, at: level) ?? instance.machine
            if counts[domain] == nil { order.append(domain) }
            counts[domain, default: 0] += 1
        }
        return order.map { "\(topology[$0].name) \(counts[$0]!)" }.joined(separator: ", ")
    }

    /// The level at which to show how voters are spread: the `survive` level, but at least `idc`
    /// when only machines must be survived (one voter per machine says nothing).
    static func spreadLevel(_ architecture: Architecture) -> DomainLevel {
        architecture.survive == .machine ? .idc : architecture.survive
    }
}

private extension String {
    /// Fixed three-decimal rendering without Foundation.
    init(format3 value: Double) {
        let negative = value < 0
        let thousandths = Int((abs(value) * 1000).rounded())
        let whole = thousandths / 1000, fraction = thousandths % 1000
        let digits = String(fraction)
        self = (negative ? "-" : "") + "\(whole)." + String(repeating: "0", count: 3 - digits.count) + digits
    }
}
