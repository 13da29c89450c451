import StrataModel

/// The order in which other sets take over a set's traffic under `failover nearest`: nearest first
/// by round-trip time between the sets' domains, ties in set order. The failure simulation serves
/// from the first set that works in this order, and the generators list failover sets in it (the
/// gateways' priorities, the generated runtime's discovery order), so the two cannot disagree.
public enum FailoverOrder {
    /// The sets other than `set`, nearest first, whatever the architecture's `failover` mode.
    public static func others(from set: Int, in architecture: Architecture) -> [Int] {
        let sets = architecture.sets
        let home = sets[set].domain
        return sets.indices.filter { $0 != set }.sorted { a, b in
            let (ra, rb) = (architecture.topology.rtt(home, sets[a].domain), architecture.topology.rtt(home, sets[b].domain))
            return ra != rb ? ra < rb : a < b
        }
    }
}
