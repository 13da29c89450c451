import StrataDiagnostics
import StrataModel

/// Identifies an endpoint: `service.endpoint`.
public struct EndpointID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let service: String
    public let endpoint: String
    public init(_ service: String, _ endpoint: String) {
        self.service = service
        self.endpoint = endpoint
    }
    public static func < (a: EndpointID, b: EndpointID) -> Bool { (a.service, a.endpoint) < (b.service, b.endpoint) }
    public var description: String { "\(service).\(endpoint)" }
}

/// An endpoint made public by a gateway route (its path starts with the route's prefix).
public struct PublicEndpoint: Sendable {
    public let endpoint: EndpointID
    public let gateway: String
    public let route: GatewayRoute
}

/// The endpoint call graph: who calls whom, with every call's options.
public struct CallGraph: Sendable {
    /// Every endpoint, numbered in declaration order (service, then endpoint).
    public let endpoints: [EndpointID]
    /// Outgoing calls of each endpoint (indices into ``endpoints``), in step order (`parallel` flattened).
    public let calls: [[(callee: Int, call: Call)]]
    /// Endpoints reachable through public gateway routes.
    public let publicEndpoints: [PublicEndpoint]
    public let indexOf: [EndpointID: Int]

    public init(_ architecture: Architecture) {
        var endpoints: [EndpointID] = []
        var indexOf: [EndpointID: Int] = [:]
        for service in architecture.services {
            for e in service.endpoints {
                let id = EndpointID(service.name, e.name)
                indexOf[id] = endpoints.count
                endpoints.append(id)
            }
        }
        var calls = Array(repeating: [(callee: Int, call: Call)](), count: endpoints.count)
        for service in architecture.services {
            for e in service.endpoints {
                let from = indexOf[EndpointID(service.name, e.name)]!
                forEachStep(e.steps) { step in
                    if case .call(let call) = step, let to = indexOf[EndpointID(call.service, call.endpoint)] {
                        calls[from].append((to, call))
                    }
                }
            }
        }
        var publicEndpoints: [PublicEndpoint] = []
        for gateway in architecture.gateways {
            for route in gateway.routes {
                guard let service = architecture.service(route.service) else { continue }
                for e in service.endpoints where e.path.hasPrefix(route.prefix) {
                    publicEndpoints.append(PublicEndpoint(endpoint: EndpointID(service.name, e.name), gateway: gateway.name, route: route))
                }
            }
        }
        self.endpoints = endpoints
        self.calls = calls
        self.indexOf = indexOf
        self.publicEndpoints = publicEndpoints
    }

    /// Strongly connected components with a cycle (more than one endpoint, or a self-call), each sorted by index.
    public func cycles() -> [[Int]] {
        let scc = stronglyConnectedComponents()
        return scc.components.filter { scc.cyclic[$0[0]] }.sorted { $0[0] < $1[0] }
    }

    /// True when the graph has no cycle (every analysis that recurses over calls needs this).
    public var isAcyclic: Bool { cycles().isEmpty }

    /// Endpoints in an order where every callee comes before its callers; nil when there is a cycle.
    public func calleesFirstOrder() -> [Int]? {
        let n = endpoints.count
        var state = Array(repeating: 0, count: n)  // 0 new, 1 in progress, 2 done
        var order: [Int] = []
        order.reserveCapacity(n)
        for root in 0..<n where state[root] == 0 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            state[root] = 1
            while let (v, e) = work.last {
                if e < calls[v].count {
                    work[work.count - 1].edge += 1
                    let w = calls[v][e].callee
                    if state[w] == 1 { return nil }
                    if state[w] == 0 { state[w] = 1; work.append((w, 0)) }
                } else {
                    work.removeLast()
                    state[v] = 2
                    order.append(v)
                }
            }
        }
        return order
    }
}

extension CallGraph {
    /// The strongly connected components of a call graph, restricted to some of its calls.
    public struct StronglyConnectedComponents: Sendable {
        /// The components, callees first (every component comes after the components it calls into); members sorted by endpoint index.
        public let components: [[Int]]
        /// Component index of each endpoint.
        public let componentOf: [Int]
        /// True for endpoints on a cycle (a component of several endpoints, or a self-call).
        public let cyclic: [Bool]
    }

    /// The strongly connected components over the calls `include` accepts (by default every call).
    /// Tarjan's algorithm, iterative so that deep graphs cannot overflow the stack.
    public func stronglyConnectedComponents(including include: (Call) -> Bool = { _ in true }) -> StronglyConnectedComponents {
        let n = endpoints.count
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
                let edges = calls[v]
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
                    let selfCall = calls[v].contains { $0.callee == v && include($0.call) }
                    if members.count > 1 || selfCall { for m in members { cyclic[m] = true } }
                    components.append(members.sorted())
                }
            }
        }
        return StronglyConnectedComponents(components: components, componentOf: componentOf, cyclic: cyclic)
    }
}
