import StrataModel

/// Where a set's traffic goes when the set cannot serve it, as the failure analysis orders it: the
/// gateways' failover priorities, the deployed gateways' and the generated runtime's discovery order
/// all come from here.
enum SetFailover {
    /// The other sets, nearest first by round-trip time between the sets' domains (ties in set
    /// order); none under `failover none`.
    static func order(from set: Int, in architecture: Architecture) -> [Int] {
        guard architecture.striping.failover == .nearest else { return [] }
        let sets = architecture.sets
        let home = sets[set].domain
        return sets.indices.filter { $0 != set }.sorted { a, b in
            let (ra, rb) = (architecture.topology.rtt(home, sets[a].domain), architecture.topology.rtt(home, sets[b].domain))
            return ra != rb ? ra < rb : a < b
        }
    }
}
