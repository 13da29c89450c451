import StrataAnalysis
import StrataModel

/// Where a deployable unit runs: inside one set (a striped component), or shared by every set.
enum DeploymentScope: Hashable, Sendable {
    case set(Int)
    case shared

    var setIndex: Int? {
        if case .set(let index) = self { return index }
        return nil
    }
}

/// The failure domains a deployable unit is pinned to, and how its pods spread inside them.
struct Pinning: Sendable {
    /// Domains, all of one level, that the pods may run in; empty means anywhere.
    let domains: [DomainID]
    /// Levels to spread the pods over, coarsest first; `hard` for the one level where spreading
    /// is required (see ``DeploymentPlan/pinning(_:_:_:_:)``), preferred elsewhere.
    let spread: [(level: DomainLevel, hard: Bool)]
}

/// An autoscaling range (`scale MIN..MAX cpu P%`).
struct ScaleRange: Equatable, Sendable {
    let min: Int
    let max: Int
    let cpuPercent: Int
}

/// One Deployment or StatefulSet of generated service code: one service in one set (or shared by
/// all sets), or for `style monolith` the single process serving every service.
struct AppWorkload: Sendable {
    /// The service name; for a monolith, the architecture's name.
    let component: String
    /// The services whose endpoints this workload serves.
    let services: [String]
    let scope: DeploymentScope
    /// Base name of its objects (`<component>-<set>` or `<component>`), at most 52 characters.
    let name: String
    let replicas: Int
    let scale: ScaleRange?
    let stateful: Bool
    /// The partition key of a stateful service (`key "x-user-id"`).
    let key: String?
    let pinning: Pinning
    /// Components whose pods call this one (declared calls), sorted.
    let callers: [String]
    /// Gateways with a route to this workload's services, sorted.
    let gateways: [String]
    /// Stores its endpoints read or write, sorted.
    let stores: [String]
    /// The service whose placed instances stand for this workload's (itself; for a monolith, its largest service).
    let instanceSource: String
}

/// One gateway proxy Deployment: a gateway in one set, or shared.
struct GatewayWorkload: Sendable {
    let gateway: Gateway
    let scope: DeploymentScope
    let name: String
    let replicas: Int
    let pinning: Pinning
}

/// One etcd cluster of the registry: per set when the registry is striped, else one.
struct RegistryWorkload: Sendable {
    let scope: DeploymentScope
    let name: String
    let replicas: Int
    let pinning: Pinning
}

/// A store's placeholder: the Service name clients use, per set for striped stores.
struct StorePlaceholder: Sendable {
    let store: Store
    let scope: DeploymentScope
    let name: String
}

/// What the deployment targets deploy, derived once from an architecture: workloads, their pinning
/// to failure domains, who may call whom (from the call graph) and the gateway upstreams.
struct DeploymentPlan: Sendable {
    let architecture: Architecture
    /// The Kubernetes namespace: the architecture's name.
    let namespace: String
    let workloads: [AppWorkload]
    /// Indices into ``workloads`` per service they serve, in workload order.
    private let workloadIndices: [String: [Int]]
    let gateways: [GatewayWorkload]
    let registries: [RegistryWorkload]
    let stores: [StorePlaceholder]

    init(_ analyses: ArchitectureAnalyses) {
        let architecture = analyses.architecture
        self.architecture = architecture
        namespace = architecture.name
        let graph = analyses.callGraph

        // Who calls whom, per service (from the call graph), and which gateways route to each service.
        var callers: [String: Set<String>] = [:]
        for (from, edges) in graph.calls.enumerated() {
            for edge in edges {
                callers[graph.endpoints[edge.callee].service, default: []].insert(graph.endpoints[from].service)
            }
        }
        var routedBy: [String: Set<String>] = [:]
        for gateway in architecture.gateways {
            for route in gateway.routes { routedBy[route.service, default: []].insert(gateway.name) }
        }

        var workloads: [AppWorkload] = []
        if architecture.style == .monolith, !architecture.services.isEmpty {
            workloads = DeploymentPlan.monolith(architecture, gateways: Set(routedBy.values.joined()))
        } else {
            for service in architecture.services {
                let instances = architecture.instances[ComponentID(.service, service.name)] ?? []
                let scale = service.autoscale.map { ScaleRange(min: $0.min, max: $0.max, cpuPercent: Int($0.cpuPercent.rounded())) }
                for scope in DeploymentPlan.scopes(service.placement, architecture) {
                    workloads.append(AppWorkload(
                        component: service.name, services: [service.name], scope: scope,
                        name: DeploymentPlan.name(service.name, scope, architecture, limit: KubernetesNames.workloadLimit),
                        replicas: service.placement.count, scale: scale, stateful: service.stateful,
                        key: service.stateful ? service.key?.value : nil,
                        pinning: DeploymentPlan.pinning(service.placement, instances, scope, architecture),
                        callers: (callers[service.name] ?? []).sorted(),
                        gateways: (routedBy[service.name] ?? []).sorted(),
                        stores: DeploymentPlan.stores(of: [service]), instanceSource: service.name))
                }
            }
        }
        self.workloads = workloads
        var workloadIndices: [String: [Int]] = [:]
        for (index, workload) in workloads.enumerated() {
            for service in workload.services { workloadIndices[service, default: []].append(index) }
        }
        self.workloadIndices = workloadIndices

        gateways = architecture.gateways.flatMap { gateway in
            let instances = architecture.instances[ComponentID(.gateway, gateway.name)] ?? []
            return DeploymentPlan.scopes(gateway.placement, architecture).map { scope in
                GatewayWorkload(gateway: gateway, scope: scope,
                                name: DeploymentPlan.name(gateway.name, scope, architecture, limit: KubernetesNames.workloadLimit),
                                replicas: gateway.placement.count,
                                pinning: DeploymentPlan.pinning(gateway.placement, instances, scope, architecture))
            }
        }

        if let discovery = architecture.discovery, discovery.mode == .registry, discovery.engine == .etcd,
           let placement = discovery.placement {
            let instances = architecture.instances[ComponentID(.registry, "registry")] ?? []
            registries = DeploymentPlan.scopes(placement, architecture).map { scope in
                RegistryWorkload(scope: scope, name: DeploymentPlan.name("etcd", scope, architecture, limit: KubernetesNames.workloadLimit),
                                 replicas: placement.count,
                                 pinning: DeploymentPlan.pinning(placement, instances, scope, architecture))
            }
        } else {
            registries = []
        }

        stores = architecture.stores.flatMap { store in
            DeploymentPlan.scopes(store.placement, architecture).map { scope in
                StorePlaceholder(store: store, scope: scope, name: DeploymentPlan.name(store.name, scope, architecture))
            }
        }
    }

    /// The set name of a scope, as in `STRATA_SET`; nil for shared components, which leave it unset.
    func setName(_ scope: DeploymentScope) -> String? {
        scope.setIndex.map { architecture.sets[$0].name }
    }

    /// The service a workload's process is told it serves (`STRATA_SERVICE`): its own; nil for the
    /// monolith, whose executable serves every service and picks the first when it is unset.
    func serviceVariable(_ w: AppWorkload) -> String? {
        architecture.style == .monolith ? nil : w.component
    }

    /// The etcd cluster a workload of `scope` registers with: its set's when the registry is striped
    /// (the first set's for shared workloads), else the only one.
    func registry(for scope: DeploymentScope) -> RegistryWorkload? {
        if let set = scope.setIndex, let own = registries.first(where: { $0.scope == .set(set) }) { return own }
        return registries.first
    }

    /// The workloads serving `service`.
    func workloads(serving service: String) -> [AppWorkload] {
        (workloadIndices[service] ?? []).map { workloads[$0] }
    }

    /// Where a gateway proxy of `scope` sends a route's traffic, in priority order: its own set's
    /// workload first, then (with `failover nearest`) the other sets' nearest first; a shared
    /// gateway or a shared service has a single priority.
    func upstreams(from scope: DeploymentScope, service: String) -> [[AppWorkload]] {
        let targets = workloads(serving: service)
        guard case .set(let own) = scope, targets.allSatisfy({ $0.scope != .shared }) else {
            return targets.isEmpty ? [] : [targets]
        }
        return ([own] + SetFailover.order(from: own, in: architecture)).compactMap { set in
            targets.first { $0.scope == .set(set) }.map { [$0] }
        }
    }

    // MARK: - Derivation

    /// One scope per set for striped placements, else one shared scope.
    static func scopes(_ placement: Placement, _ architecture: Architecture) -> [DeploymentScope] {
        placement.isStriped ? architecture.sets.indices.map { .set($0) } : [.shared]
    }

    /// `<component>-<set>` for a set scope, `<component>` when shared, within `limit`.
    static func name(_ component: String, _ scope: DeploymentScope, _ architecture: Architecture,
                     limit: Int = KubernetesNames.labelLimit) -> String {
        switch scope {
        case .set(let index): KubernetesNames.join([component, architecture.sets[index].name], limit: limit)
        case .shared: KubernetesNames.fit(component, limit: limit)
        }
    }

    /// The domains a placement pins its pods to, and the levels they spread over.
    ///
    /// A set-scoped workload is pinned to the set's domain; `across LEVEL` to the domains of that
    /// level that received instances; `in DOMAIN` to that domain. Pods spread over the smaller
    /// levels that hold two or more domains there (and always over machines). One level is
    /// required (DoNotSchedule): the placement's `across` level, or else the largest spread level
    /// whose loss `survive` covers, since pods on two or more of its domains also sit on two or
    /// more of every smaller one. The others are preferred only: required spreads at two nested
    /// levels can contradict each other when domains differ in size.
    static func pinning(_ placement: Placement, _ instances: [Instance], _ scope: DeploymentScope,
                        _ architecture: Architecture) -> Pinning {
        let topology = architecture.topology
        var pinned: [DomainID]
        var across: DomainLevel?
        switch (scope, placement.mode) {
        case (.set(let set), _): pinned = [architecture.sets[set].domain]
        case (.shared, .inside(let domain)): pinned = [domain]
        case (.shared, .perSet): pinned = []
        case (.shared, .across(let level, _)):
            pinned = []
            for instance in instances {
                if let d = topology.ancestor(of: instance.machine, at: level), !pinned.contains(d) { pinned.append(d) }
            }
            pinned.sort()
            if pinned.count > 1 { across = level }
        }
        pinned = pinned.filter { topology[$0].level != .global }
        let level = pinned.first.map { topology[$0].level } ?? .global
        let scopes = pinned.isEmpty ? [topology.root] : pinned
        let smaller = DomainLevel.named.reversed().filter { l in
            l < level && (l == .machine || scopes.reduce(0) { $0 + topology.domains(at: l, within: $1).count } > 1)
        }
        let levels = (across.map { [$0] } ?? []) + smaller
        let required = across ?? smaller.first { $0 <= architecture.survive } ?? smaller.last
        return Pinning(domains: pinned, spread: levels.map { ($0, $0 == required) })
    }

    /// Stores read or written by any endpoint of `services`, sorted.
    static func stores(of services: [Service]) -> [String] {
        var names: Set<String> = []
        func visit(_ steps: [Step]) {
            for step in steps {
                switch step {
                case .read(let access), .write(let access): names.insert(access.store)
                case .parallel(let inner, _): visit(inner)
                case .work, .call: break
                }
            }
        }
        for service in services { for endpoint in service.endpoints { visit(endpoint.steps) } }
        return names.sorted()
    }

    /// `style monolith`: one process serves every service, so there is one workload, placed like
    /// the service with the most replicas (the first of those): per set when that one is striped.
    /// It scales over the widest range any service declares; its calls stay in-process.
    static func monolith(_ architecture: Architecture, gateways: Set<String>) -> [AppWorkload] {
        let services = architecture.services
        let largest = services.max { $0.placement.count < $1.placement.count } ?? services[0]
        let scales = services.compactMap(\.autoscale)
        let scale: ScaleRange? = scales.isEmpty ? nil : ScaleRange(
            min: services.map { $0.autoscale?.min ?? $0.placement.count }.max()!,
            max: max(scales.map(\.max).max()!, largest.placement.count),
            cpuPercent: Int(scales.map(\.cpuPercent).min()!.rounded()))
        let stateful = services.first { $0.stateful }
        let placement = largest.placement
        let instances = architecture.instances[ComponentID(.service, largest.name)] ?? []
        return scopes(placement, architecture).map { scope in
            AppWorkload(component: architecture.name, services: services.map(\.name), scope: scope,
                        name: name(architecture.name, scope, architecture, limit: KubernetesNames.workloadLimit),
                        replicas: largest.placement.count, scale: scale, stateful: stateful != nil, key: stateful?.key?.value,
                        pinning: pinning(placement, instances, scope, architecture),
                        callers: [], gateways: gateways.sorted(), stores: stores(of: services), instanceSource: largest.name)
        }
    }
}
