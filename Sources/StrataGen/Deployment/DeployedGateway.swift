import StrataModel

/// Ports and paths of a deployed gateway's Envoy container (compose and Kubernetes).
enum GatewayContainer {
    /// The listener that serves the routes.
    static let listenerPort = RuntimeContract.gatewayContainerPort
    /// The listener that answers the readiness probe (``EnvoyDeployment/readyPath``).
    static let healthPort = 8081
    /// Envoy's admin interface.
    static let adminPort = 9901
    /// Where the configuration is mounted.
    static let configPath = "/etc/envoy/envoy.yaml"
}

/// The deployment targets' upstreams: for a gateway proxy of one scope, the workloads serving a
/// service in priority order (``DeploymentPlan/upstreams(from:service:)``), each at the addresses
/// its target gives it (container names, Service DNS names), resolved by DNS. The cluster is the
/// workload's component: the service, or the monolith serving every service.
struct WorkloadAddressing: UpstreamAddressing {
    let plan: DeploymentPlan
    /// The addresses of one workload's pods or containers.
    let hosts: (AppWorkload) -> [UpstreamEndpoint]

    var resolution: UpstreamResolution { .dns }

    func upstream(serving service: Service, from scope: DeploymentScope) throws -> UpstreamPlan {
        let priorities = plan.upstreams(from: scope, service: service.name)
        guard let workload = priorities.first?.first else { throw GenerationError("service \(service.name) has no workload to route to") }
        return UpstreamPlan(cluster: workload.component, services: [service.name], tiers: priorities.map { $0.flatMap(hosts) }.filter { !$0.isEmpty },
                            hashHeader: GatewayPlanner.hashHeader(of: service))
    }
}

extension DeploymentPlan {
    /// The Envoy configuration file of a deployed gateway proxy: the gateway's routes (planned
    /// once, in the build plan) to `addressing`'s upstreams, rendered by the one Envoy emitter.
    func envoyConfig(_ gateway: GatewayWorkload, routes: [String: [RoutePlan]], addressing: WorkloadAddressing,
                     deployment: EnvoyDeployment, header: String) throws -> String {
        let plan = try GatewayPlanner.plan(gateway.gateway, routes: routes[gateway.gateway.name] ?? [], scope: gateway.scope,
                                           in: architecture, addressing: addressing)
        return try EnvoyConfigEmitter(plan: plan, deployment: deployment, header: header).text()
    }
}
