/// The call graph folded from endpoints to services: who calls whom, and how deep each
/// service sits below the services nobody calls (the diagrams order their rows by it).
extension CallGraph {
    /// Every service that calls `service` (through any of its endpoints), keyed by callee name.
    ///
    /// Calls between endpoints of the same service do not count. Only services with endpoints
    /// are in the call graph; a service nobody calls has no entry.
    public func serviceCallers() -> [String: Set<String>] {
        let services = ServiceCalls(self)
        var callers: [String: Set<String>] = [:]
        for (caller, callees) in services.callees.enumerated() {
            for callee in callees { callers[services.names[callee], default: []].insert(services.names[caller]) }
        }
        return callers
    }

    /// The call depth of every service with endpoints, keyed by name: 0 for a service no other
    /// service calls, otherwise one more than its deepest caller, so that every service sits
    /// below everything that calls it (the longest chain of calling services above it).
    ///
    /// Calls between endpoints of the same service do not count. A call cycle has no longest
    /// chain: a service in a cycle, or called from one, gets one more than its deepest caller
    /// that no cycle reaches (0 when it has none). Independent of declaration order; O(E).
    public func serviceDepths() -> [String: Int] {
        let services = ServiceCalls(self)
        let count = services.names.count
        var uncountedCallers = Array(repeating: 0, count: count)
        for callees in services.callees { for callee in callees { uncountedCallers[callee] += 1 } }
        // Kahn's algorithm: a service's depth is final once all its callers have been counted.
        var depth = Array(repeating: 0, count: count)
        var ready = (0..<count).filter { uncountedCallers[$0] == 0 }
        var next = 0
        while next < ready.count {
            let caller = ready[next]
            next += 1
            for callee in services.callees[caller] {
                depth[callee] = max(depth[callee], depth[caller] + 1)
                uncountedCallers[callee] -= 1
                if uncountedCallers[callee] == 0 { ready.append(callee) }
            }
        }
        return Dictionary(uniqueKeysWithValues: zip(services.names, depth))
    }
}

/// Services of a call graph (those with endpoints, in declaration order) and the other services
/// each one calls, by index.
private struct ServiceCalls {
    var names: [String] = []
    var callees: [Set<Int>] = []

    init(_ graph: CallGraph) {
        var index: [String: Int] = [:]
        var serviceOfEndpoint: [Int] = []
        serviceOfEndpoint.reserveCapacity(graph.endpoints.count)
        for endpoint in graph.endpoints {
            if index[endpoint.service] == nil {
                index[endpoint.service] = names.count
                names.append(endpoint.service)
            }
            serviceOfEndpoint.append(index[endpoint.service]!)
        }
        callees = Array(repeating: [], count: names.count)
        for (from, outgoing) in graph.calls.enumerated() {
            let caller = serviceOfEndpoint[from]
            for call in outgoing where serviceOfEndpoint[call.callee] != caller {
                callees[caller].insert(serviceOfEndpoint[call.callee])
            }
        }
    }
}
