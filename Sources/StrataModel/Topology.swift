import StrataDiagnostics

/// The failure domains of an architecture as a tree under a synthetic root
/// (`global`), with latency and availability settings.
public struct Topology: Sendable {
    /// Every domain; index 0 is the synthetic root.
    public internal(set) var domains: [Domain]
    public internal(set) var latency: LatencySettings {
        didSet { levelRTT = Topology.levelRTT(latency) }
    }
    /// `latency.perLevel` as an array indexed by level (hot path of ``rtt(_:_:)``).
    private var levelRTT: [Double] = Topology.levelRTT(LatencySettings(perLevel: LatencySettings.defaults, overrides: [:]))

    private static func levelRTT(_ l: LatencySettings) -> [Double] {
        DomainLevel.named.map { l.perLevel[$0] ?? LatencySettings.defaults[$0] ?? 0 }
    }
    /// Availability of one domain of each level (0...1).
    public internal(set) var availability: [DomainLevel: Double]
    var byName: [String: DomainID] = [:]
    /// Ancestor of every domain at each named level (machine...region), -1 when none: `chains[5 * id + level]`.
    var chains: [Int32] = []

    public static let defaultAvailability: [DomainLevel: Double] = [
        .machine: 0.999, .rack: 0.9995, .idc: 0.9999, .city: 0.99995, .region: 0.99999,
    ]

    init(rootName: String) {
        domains = [Domain(id: DomainID(0), name: rootName, level: .global, parent: nil, children: [], span: nil, machineCount: nil)]
        chains = [-1, -1, -1, -1, -1]
        latency = LatencySettings(perLevel: LatencySettings.defaults, overrides: [:])
        availability = Topology.defaultAvailability
    }

    /// The synthetic root holding every region.
    public var root: DomainID { DomainID(0) }

    public subscript(id: DomainID) -> Domain { domains[id.index] }

    /// Looks up a named domain (region, city, IDC, rack or machine).
    public func domain(named name: String) -> DomainID? { byName[name] }

    /// Adds a domain under `parent`.
    @discardableResult
    mutating func add(name: String, level: DomainLevel, parent: DomainID, span: Span?, machineCount: Int? = nil) -> DomainID {
        let id = DomainID(domains.count)
        domains.append(Domain(id: id, name: name, level: level, parent: parent, children: [], span: span, machineCount: machineCount))
        domains[parent.index].children.append(id)
        byName[name] = id
        let base = 5 * parent.index
        chains.append(contentsOf: chains[base..<base + 5])
        chains[5 * id.index + level.rawValue] = Int32(id.index)
        return id
    }

    /// The ancestor of `id` at `level` (itself when it has that level), or nil when `level` is below it.
    @inline(__always)
    public func ancestor(of id: DomainID, at level: DomainLevel) -> DomainID? {
        if level == .global { return root }
        let v = chains[5 * id.index + level.rawValue]
        return v < 0 ? nil : DomainID(Int(v))
    }

    /// True when `inner` is `outer` or lies inside it.
    public func contains(_ outer: DomainID, _ inner: DomainID) -> Bool {
        var current: DomainID? = inner
        while let c = current {
            if c == outer { return true }
            if self[c].level >= self[outer].level { return false }
            current = self[c].parent
        }
        return false
    }

    /// Every domain of `level` inside `scope` (the root when nil), in declaration order.
    public func domains(at level: DomainLevel, within scope: DomainID? = nil) -> [DomainID] {
        var result: [DomainID] = []
        var stack = [scope ?? root]
        // Depth-first, children in declaration order.
        while let top = stack.popLast() {
            let d = self[top]
            if d.level == level { result.append(top); continue }
            if d.level < level { continue }
            stack.append(contentsOf: d.children.reversed())
        }
        return result
    }

    /// The chain from `id` up to (excluding) the root, smallest first.
    public func ancestors(of id: DomainID) -> [DomainID] {
        var result: [DomainID] = []
        var current: DomainID? = id
        while let c = current, c != root {
            result.append(c)
            current = self[c].parent
        }
        return result
    }

    /// Round-trip time in milliseconds between two domains (usually machines).
    ///
    /// The same domain costs 0. Otherwise an explicit override between an
    /// ancestor of each side applies (the most specific pair wins); else the
    /// per-level RTT of the level just below their lowest common ancestor
    /// (two racks of one IDC cost `latency.rack`).
    public func rtt(_ a: DomainID, _ b: DomainID) -> Double {
        if a == b { return 0 }
        if !latency.overrides.isEmpty {
            var best: (rank: Int, value: Double)?
            for la in 0..<5 {
                let x = chains[5 * a.index + la]
                guard x >= 0 else { continue }
                for lb in 0..<5 {
                    let y = chains[5 * b.index + lb]
                    guard y >= 0, x != y, let v = latency.overrides[DomainPair(DomainID(Int(x)), DomainID(Int(y)))] else { continue }
                    if best == nil || la + lb < best!.rank { best = (la + lb, v) }
                }
            }
            if let best { return best.value }
        }
        // The lowest level at which both share an ancestor; they differ one level below it.
        for level in 0..<5 {
            let x = chains[5 * a.index + level]
            if x >= 0, x == chains[5 * b.index + level] {
                // Shared ancestor at `level`: the two sides differ one level below it.
                return levelRTT[max(0, level - 1)]
            }
        }
        // Different regions.
        return levelRTT[DomainLevel.region.rawValue]
    }
}
