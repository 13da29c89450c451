import StrataDiagnostics

/// The failure domains of an architecture as a tree under a synthetic root
/// (`global`), with latency and availability settings.
public struct Topology: Sendable {
    /// Every domain; index 0 is the synthetic root.
    public internal(set) var domains: [Domain]
    public internal(set) var latency: LatencySettings
    /// Availability of one domain of each level (0...1).
    public internal(set) var availability: [DomainLevel: Double]
    var byName: [String: DomainID] = [:]

    public static let defaultAvailability: [DomainLevel: Double] = [
        .machine: 0.999, .rack: 0.9995, .idc: 0.9999, .city: 0.99995, .region: 0.99999,
    ]

    init(rootName: String) {
        domains = [Domain(id: DomainID(0), name: rootName, level: .global, parent: nil, children: [], span: nil, machineCount: nil)]
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
        return id
    }

    /// The ancestor of `id` at `level` (itself when it has that level), or nil when `level` is below it.
    public func ancestor(of id: DomainID, at level: DomainLevel) -> DomainID? {
        var current: DomainID? = id
        while let c = current {
            let d = self[c]
            if d.level == level { return c }
            if d.level > level { return nil }
            current = d.parent
        }
        return nil
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
        let chainA = ancestors(of: a), chainB = ancestors(of: b)
        if !latency.overrides.isEmpty {
            var best: (rank: Int, value: Double)?
            for x in chainA {
                for y in chainB where x != y {
                    if let v = latency.overrides[DomainPair(x, y)] {
                        let rank = self[x].level.rawValue + self[y].level.rawValue
                        if best == nil || rank < best!.rank { best = (rank, v) }
                    }
                }
            }
            if let best { return best.value }
        }
        // Lowest common ancestor: walk both chains from the top.
        let setB = Set(chainB)
        for x in chainA where setB.contains(x) {
            // x is the lowest common ancestor; the two sides differ one level below it.
            let below = DomainLevel(rawValue: self[x].level.rawValue - 1) ?? .machine
            return latency.perLevel[below] ?? LatencySettings.defaults[below] ?? 0
        }
        // Different regions.
        return latency.perLevel[.region] ?? 40
    }
}
