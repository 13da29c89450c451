import StrataAnalysis
import StrataDiagnostics
import StrataModel

extension PlacementSupport {
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
}
