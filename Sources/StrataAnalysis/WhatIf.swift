import StrataModel

/// `strata simulate --fail ...`: which public endpoints still work after losing
/// the given domains together, where their traffic went, and their latency now.
public struct WhatIf: Sendable {
    /// One public endpoint for the users of one set.
    public struct Row: Sendable {
        public let endpoint: EndpointID
        public let gateway: String
        public let originSet: String
        /// The set now serving it; nil when unserved.
        public let servedBy: String?
        public let latency: LatencyPath?
        /// Why it is unserved.
        public let reason: String?
    }

    public let failed: [DomainID]
    public let rows: [Row]
    /// Registry members still alive, when discovery is a registry: (live, voters, needed).
    public let registry: (live: Int, voters: Int, needed: Int)?
    public let isComplete: Bool

    public init(_ deployment: Deployment, failing domains: [DomainID]) {
        failed = domains
        let arch = deployment.architecture
        guard let order = deployment.graph.calleesFirstOrder() else {
            rows = []
            registry = nil
            isComplete = false
            return
        }
        isComplete = true
        let state = FailureState(domains, topology: arch.topology)
        var engine = SimulationEngine(deployment: deployment, order: order)
        engine.evaluate(state)
        let latency = LatencyModel(deployment, failures: domains)
        var rows: [Row] = []
        for (p, pe) in deployment.graph.publicEndpoints.enumerated() {
            for origin in arch.sets.indices {
                let result = engine.serve(p, origin: origin)
                if let t = result.servingSet {
                    rows.append(Row(endpoint: pe.endpoint, gateway: pe.gateway, originSet: arch.sets[origin].name, servedBy: arch.sets[t].name,
                                    latency: latency.path(pe, origin: origin, serving: t), reason: nil))
                } else {
                    rows.append(Row(endpoint: pe.endpoint, gateway: pe.gateway, originSet: arch.sets[origin].name, servedBy: nil, latency: nil,
                                    reason: engine.describe(result.culprit, in: result.culpritSet, state: state)))
                }
            }
        }
        self.rows = rows
        registry = engine.registryStatus()
    }
}

/// `strata check --report`: per public endpoint and set, the figures behind the rules.
public struct EndpointReport: Sendable {
    public struct Row: Sendable {
        public let endpoint: EndpointID
        public let method: String
        public let path: String
        public let set: String
        public let latency: Double?
        public let budget: Double?
        /// Worst p99 after a single failure at the survive level, and that failure ("idc sh-a").
        public let worstFailoverLatency: Double?
        public let worstFailure: String?
        public let availability: Double?
        public let slo: Double?
        /// Smallest domain whose loss leaves the endpoint unserved (for any set), if any.
        public let breaksWhenLosing: String?
    }

    public let rows: [Row]
    public let survive: DomainLevel
    public let simulatedFailures: Int
    public let isComplete: Bool

    public init(_ deployment: Deployment, simulation: FailureSimulation, availability: AvailabilityModel,
                latency: (DomainID?) -> LatencyModel) {
        let arch = deployment.architecture
        survive = arch.survive
        simulatedFailures = simulation.failures.count
        isComplete = simulation.isComplete && availability.isComplete
        guard isComplete else {
            rows = []
            return
        }
        let normal = latency(nil)
        let surviveFailures = simulation.failures.filter { arch.topology[$0].level == arch.survive }
        var rows: [Row] = []
        var seen: Set<EndpointID> = []
        for (p, pe) in deployment.graph.publicEndpoints.enumerated() where seen.insert(pe.endpoint).inserted {
            guard let endpoint = arch.endpoint(pe.endpoint.service, pe.endpoint.endpoint) else { continue }
            let breaks = simulation.firstBreak[p].map { "\(arch.topology[$0.domain].level) \(arch.topology[$0.domain].name)" }
            for origin in arch.sets.indices {
                var worst: (Double, DomainID)?
                for domain in surviveFailures {
                    guard let t = simulation.servingAfter[domain]?[p][origin], let total = latency(domain).total(pe, origin: origin, serving: t) else { continue }
                    if total > (worst?.0 ?? -1) { worst = (total, domain) }
                }
                rows.append(Row(
                    endpoint: pe.endpoint, method: endpoint.method.rawValue, path: endpoint.path, set: arch.sets[origin].name,
                    latency: normal.total(pe, origin: origin, serving: origin), budget: endpoint.budgetMilliseconds?.value,
                    worstFailoverLatency: worst?.0,
                    worstFailure: worst.map { "\(arch.topology[$0.1].level) \(arch.topology[$0.1].name)" },
                    availability: p < availability.estimates.count ? availability.estimates[p][origin].availability : nil,
                    slo: (endpoint.slo ?? arch.slo)?.value, breaksWhenLosing: breaks))
            }
        }
        self.rows = rows
    }
}
