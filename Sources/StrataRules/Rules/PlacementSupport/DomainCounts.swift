import StrataModel

extension PlacementSupport {
    /// How many of `instances` sit in each domain of `level`, domains in order of first appearance.
    struct DomainCounts {
        private(set) var order: [DomainID] = []
        private(set) var counts: [DomainID: Int] = [:]

        init<S: Sequence>(_ instances: S, at level: DomainLevel, in topology: Topology) where S.Element == Instance {
            for instance in instances {
                let domain = topology.ancestor(of: instance.machine, at: level) ?? instance.machine
                if counts[domain] == nil { order.append(domain) }
                counts[domain, default: 0] += 1
            }
        }

        /// The domain holding the most instances (the first such in order), and how many.
        var largest: (domain: DomainID, count: Int)? {
            var best: (domain: DomainID, count: Int)?
            for d in order where best == nil || counts[d]! > best!.count { best = (d, counts[d]!) }
            return best
        }

        /// `sh-a 2, sh-b 1`.
        func listing(_ topology: Topology) -> String {
            order.map { "\(topology[$0].name) \(counts[$0]!)" }.joined(separator: ", ")
        }
    }

    /// True when losing `domain` loses the whole of `set`: the domain contains the set's domain, or is the only
    /// domain of its level inside it. Such a loss is the set's failover, not something placement inside the set could fix.
    static func losesWholeSet(_ domain: DomainID, _ set: SetDefinition, in topology: Topology) -> Bool {
        if topology.contains(domain, set.domain) { return true }
        let level = topology[domain].level
        guard topology[set.domain].level > level else { return false }
        return topology.domains(at: level, within: set.domain) == [domain]
    }
}
