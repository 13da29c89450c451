import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// Helpers shared by the placement rules: public request paths, the hard
/// dependencies of public endpoints, the call graph's strongly connected
/// components, instance counts per failure domain, and how numbers and paths
/// read in messages.
enum PlacementSupport {
    // MARK: Hard dependencies of public endpoints

    /// Why a component is a hard dependency of a public endpoint: the public
    /// request path that reaches it, and what the last hop needs it for.
    struct DependencyWitness {
        enum Need {
            case gateway, registry, serves, reads(String), writes(String)
        }
        /// Index into ``CallGraph/publicEndpoints`` of the route the path starts from.
        let publicEndpoint: Int
        /// The endpoint whose step needs the component (nil for the gateway and the registry).
        let endpoint: Int?
        let need: Need
    }

    /// Every component that a public endpoint cannot be served without: the
    /// gateway of each route, the routed service, every service reached by
    /// hard calls (not `optional`, not `async`) recursively, every store those
    /// endpoints read or write, and the registry under `discovery mode registry`.
    ///
    /// One breadth-first walk over hard calls from all public endpoints at once
    /// (linear in endpoints and calls); each endpoint keeps the caller it was
    /// first reached from, its depth and the second endpoint of its path, so a
    /// witness path prints in constant time however deep it is.
    struct HardDependencies {
        /// Each hard dependency, with the first public path found to need it.
        private(set) var witnesses: [ComponentID: DependencyWitness] = [:]
        /// Per endpoint: the caller it was first reached from (-1 for a public endpoint, -2 when not reached).
        private var caller: [Int]
        /// Per endpoint: its depth below the public endpoint (0 for the public endpoint itself).
        private var depth: [Int]
        /// Per endpoint: the endpoint at depth 1 of its path (itself at depth 0 or 1).
        private var second: [Int]
        private let graph: CallGraph

        init(_ architecture: Architecture, graph: CallGraph) {
            self.graph = graph
            let n = graph.endpoints.count
            caller = Array(repeating: -2, count: n)
            depth = Array(repeating: 0, count: n)
            second = Array(0..<n)
            var origin = Array(repeating: 0, count: n)
            var queue: [Int] = []
            for (p, pe) in graph.publicEndpoints.enumerated() {
                guard let e = graph.indexOf[pe.endpoint] else { continue }
                note(ComponentID(.gateway, pe.gateway), DependencyWitness(publicEndpoint: p, endpoint: nil, need: .gateway))
                if caller[e] == -2 {
                    caller[e] = -1
                    origin[e] = p
                    queue.append(e)
                }
            }
            if let discovery = architecture.discovery, discovery.mode == .registry, discovery.placement != nil, let first = queue.first {
                note(ComponentID(.registry, "registry"), DependencyWitness(publicEndpoint: origin[first], endpoint: nil, need: .registry))
            }
            var head = 0
            while head < queue.count {
                let v = queue[head]
                head += 1
                let id = graph.endpoints[v]
                note(ComponentID(.service, id.service), DependencyWitness(publicEndpoint: origin[v], endpoint: v, need: .serves))
                guard let endpoint = architecture.endpoint(id.service, id.endpoint) else { continue }
                forEachStep(endpoint.steps) { step in
                    switch step {
                    case .read(let access):
                        note(ComponentID(.store, access.store), DependencyWitness(publicEndpoint: origin[v], endpoint: v, need: .reads(access.store)))
                    case .write(let access):
                        note(ComponentID(.store, access.store), DependencyWitness(publicEndpoint: origin[v], endpoint: v, need: .writes(access.store)))
                    default:
                        break
                    }
                }
                for (callee, call) in graph.calls[v] where call.isHard && caller[callee] == -2 {
                    caller[callee] = v
                    origin[callee] = origin[v]
                    depth[callee] = depth[v] + 1
                    second[callee] = depth[v] == 0 ? callee : second[v]
                    queue.append(callee)
                }
            }
        }

        private mutating func note(_ id: ComponentID, _ witness: DependencyWitness) {
            if witnesses[id] == nil { witnesses[id] = witness }
        }

        /// The public path of a witness, e.g. `route "/api/orders" on gateway edge → orders.create → users.get`,
        /// with the middle of a long path elided.
        func path(of witness: DependencyWitness) -> String {
            let pe = graph.publicEndpoints[witness.publicEndpoint]
            let route = "route \"\(pe.route.prefix)\" on gateway \(pe.gateway)"
            guard let v = witness.endpoint else { return "\(route) → \(pe.endpoint)" }
            func upward(from v: Int, count: Int) -> [String] {
                var names: [String] = []
                var cursor = v
                while names.count < count, cursor >= 0 {
                    names.append(graph.endpoints[cursor].description)
                    cursor = caller[cursor]
                }
                return names.reversed()
            }
            // The route plus depth + 1 endpoints.
            guard depth[v] + 2 > 7 else { return ([route] + upward(from: v, count: depth[v] + 1)).joined(separator: " → ") }
            let head = [route, pe.endpoint.description, graph.endpoints[second[v]].description]
            return (head + ["…"] + upward(from: v, count: 3)).joined(separator: " → ")
        }

        /// What the last hop of a witness needs the component for, as a clause: `users.get reads users-db`.
        func need(of witness: DependencyWitness) -> String {
            let endpoint = witness.endpoint.map { graph.endpoints[$0].description } ?? ""
            switch witness.need {
            case .gateway: return "gateway \(graph.publicEndpoints[witness.publicEndpoint].gateway) serves the route"
            case .registry: return "every hop is resolved through the registry (`discovery mode registry`)"
            case .serves: return "\(endpoint) runs on it"
            case .reads(let store): return "\(endpoint) reads \(store)"
            case .writes(let store): return "\(endpoint) writes \(store)"
            }
        }
    }

    // MARK: Call graph structure

    /// Strongly connected components of the call graph, restricted to the calls
    /// `including` accepts, listed callees first (every component comes after
    /// the components it calls into). Iterative Tarjan: deep graphs cannot
    /// overflow the stack.
    struct CallComponents {
        /// The components, callees first; members sorted by endpoint index.
        let components: [[Int]]
        /// Component index of each endpoint.
        let componentOf: [Int]
        /// True for endpoints on a cycle (a component of several endpoints, or a self-call).
        let cyclic: [Bool]

        init(_ graph: CallGraph, including include: (Call) -> Bool) {
            let n = graph.endpoints.count
            var index = Array(repeating: -1, count: n), low = Array(repeating: 0, count: n)
            var onStack = Array(repeating: false, count: n)
            var componentOf = Array(repeating: -1, count: n)
            var cyclic = Array(repeating: false, count: n)
            var stack: [Int] = []
            var components: [[Int]] = []
            var counter = 0
            for root in 0..<n where index[root] < 0 {
                var work: [(node: Int, edge: Int)] = [(root, 0)]
                index[root] = counter; low[root] = counter; counter += 1
                stack.append(root); onStack[root] = true
                while let (v, e) = work.last {
                    let edges = graph.calls[v]
                    if e < edges.count {
                        work[work.count - 1].edge += 1
                        guard include(edges[e].call) else { continue }
                        let w = edges[e].callee
                        if index[w] < 0 {
                            index[w] = counter; low[w] = counter; counter += 1
                            stack.append(w); onStack[w] = true
                            work.append((w, 0))
                        } else if onStack[w] {
                            low[v] = min(low[v], index[w])
                        }
                    } else {
                        work.removeLast()
                        if let parent = work.last { low[parent.node] = min(low[parent.node], low[v]) }
                        guard low[v] == index[v] else { continue }
                        var members: [Int] = []
                        while true {
                            let w = stack.removeLast()
                            onStack[w] = false
                            componentOf[w] = components.count
                            members.append(w)
                            if w == v { break }
                        }
                        let selfCall = graph.calls[v].contains { $0.callee == v && include($0.call) }
                        if members.count > 1 || selfCall { for m in members { cyclic[m] = true } }
                        components.append(members.sorted())
                    }
                }
            }
            self.components = components
            self.componentOf = componentOf
            self.cyclic = cyclic
        }
    }

    // MARK: Failure domains

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

    // MARK: Text

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
