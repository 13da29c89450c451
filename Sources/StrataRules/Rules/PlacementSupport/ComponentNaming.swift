import StrataDiagnostics
import StrataModel

extension PlacementSupport {
    /// The subject (for `allow` scoping) of a placed component.
    static func subject(of id: ComponentID) -> Subject {
        switch id.kind {
        case .registry: .discovery
        case .gateway: .gateway(id.name)
        case .service: .service(id.name)
        case .store: .store(id.name)
        }
    }

    /// How a component is named in messages: `service users`, `store orders-db`, `the registry`.
    static func describe(_ id: ComponentID) -> String {
        id.kind == .registry ? "the registry" : "\(id.kind.rawValue) \(id.name)"
    }

    /// Where a placement puts instances: `3 instances across idc`, `2 instances in sh-a`, `2 instances per set`.
    static func describe(_ placement: Placement, in topology: Topology) -> String {
        let n = count(placement.count, "instance")
        switch placement.mode {
        case .perSet: return n + " per set"
        case .across(let level, let within): return n + " across \(level)" + (within.map { " in \(topology[$0].name)" } ?? "")
        case .inside(let domain): return n + " in \(topology[domain].name)"
        }
    }
}
