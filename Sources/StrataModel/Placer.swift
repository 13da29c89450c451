import StrataDiagnostics

/// Expands placements into instances on concrete machines.
///
/// Instances are spread round-robin at every level: `across idc` cycles over
/// the IDCs in declaration order; inside a domain, each instance goes to the
/// next child (city → IDC → rack → machine). A rack with `machines N` cycles
/// over its N machines; a rack without gives each instance of a component
/// its own machine (`<rack>-m1`, `-m2`, ...), created as needed. Placement
/// of one component never depends on another's, so it is independent of
/// declaration order.
struct Placer {
    let sink: DiagnosticSink
    var topology: Topology
    let sets: [SetDefinition]

    /// Upper bound on instances in one architecture (keeps memory bounded on hostile input).
    static let maxInstances = 2_000_000
    private var total = 0
    private var overflowReported = false

    init(sink: DiagnosticSink, topology: Topology, sets: [SetDefinition]) {
        self.sink = sink
        self.topology = topology
        self.sets = sets
    }

    mutating func placeAll(discovery: Discovery?, gateways: [Gateway], services: [Service], stores: [Store]) -> [ComponentID: [Instance]] {
        var result: [ComponentID: [Instance]] = [:]
        if let discovery, let placement = discovery.placement {
            let id = ComponentID(.registry, "registry")
            result[id] = place(id, placement)
        }
        for g in gateways { let id = ComponentID(.gateway, g.name); result[id] = place(id, g.placement) }
        for s in services { let id = ComponentID(.service, s.name); result[id] = place(id, s.placement) }
        for s in stores {
            let id = ComponentID(.store, s.name)
            let instances = place(id, s.placement)
            result[id] = instances
            if let leader = s.leader, !instances.contains(where: { topology.contains(leader.value, $0.machine) }) {
                sink.emit(Catalogue.unsatisfiablePlacement, "leader `\(topology[leader.value].name)` holds no replica of store `\(s.name)`",
                          at: leader.span, secondary: [Label(s.placement.span, "replicas placed here")],
                          help: "name a domain that holds one of the store's replicas")
            }
        }
        return result
    }

    /// The instances of one component.
    mutating func place(_ component: ComponentID, _ placement: Placement) -> [Instance] {
        var counters: [DomainID: Int] = [:]
        var instances: [Instance] = []
        func budget(_ n: Int) -> Bool {
            if total + n > Placer.maxInstances {
                if !overflowReported {
                    overflowReported = true
                    sink.emit(Catalogue.outOfRange, "the architecture would place more than \(Placer.maxInstances) instances", at: placement.span)
                }
                return false
            }
            total += n
            return true
        }
        switch placement.mode {
        case .perSet:
            guard budget(placement.count * sets.count) else { return [] }
            for (index, set) in sets.enumerated() {
                for _ in 0..<placement.count {
                    instances.append(Instance(component: component, index: instances.count, set: index,
                                              machine: leaf(from: set.domain, counters: &counters)))
                }
            }
        case .across(let level, let within):
            let domains = topology.domains(at: level, within: within)
            guard !domains.isEmpty, budget(placement.count) else { return [] }
            for k in 0..<placement.count {
                instances.append(Instance(component: component, index: k, set: nil,
                                          machine: leaf(from: domains[k % domains.count], counters: &counters)))
            }
        case .inside(let domain):
            guard budget(placement.count) else { return [] }
            for k in 0..<placement.count {
                instances.append(Instance(component: component, index: k, set: nil, machine: leaf(from: domain, counters: &counters)))
            }
        }
        return instances
    }

    /// Descends from `domain` to a machine, round-robin at every level.
    private mutating func leaf(from domain: DomainID, counters: inout [DomainID: Int]) -> DomainID {
        var current = domain
        while true {
            let d = topology[current]
            if d.level == .machine { return current }
            let k = counters[current, default: 0]
            counters[current] = k + 1
            if d.level == .rack, d.machineCount == nil {
                // Unlimited machines: the component's k-th instance in this rack gets machine k+1.
                while topology[current].children.count <= k {
                    let name = "\(d.name)-m\(topology[current].children.count + 1)"
                    topology.add(name: name, level: .machine, parent: current, span: nil)
                }
                return topology[current].children[k]
            }
            // A domain without children only exists in a spec that already has errors; stop there.
            guard !d.children.isEmpty else { return current }
            current = d.children[k % d.children.count]
        }
    }
}
