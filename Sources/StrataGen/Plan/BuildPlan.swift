import StrataAnalysis
import StrataModel

/// What `strata build` emits and `strata up` runs, planned once from an architecture's analyses:
/// the gateway proxies, the etcd members, the service instances and the services package's
/// executables, each with the ports, paths and environment of a local run (``LocalPorts``, the
/// ``RuntimeContract``), plus the plans the generators render (gateway routes, the deployment).
///
/// The driver builds it once per build with ``make(_:)`` and hands it to every generator in
/// ``GenerationInput``; `strata up` builds its process list from ``gateways``, ``etcdMembers``
/// and ``instances`` rather than reading generated files back. Everything here is on loopback.
public struct BuildPlan: Sendable {
    /// The architecture's name.
    public let architecture: String
    /// One proxy per gateway per set: gateways in declaration order, sets in set order.
    public let gateways: [GatewayProxy]
    /// The members of the etcd registry (`discovery { mode registry; engine etcd }`), cluster by
    /// cluster (a registry placed `per set` has one per set, in set order); empty otherwise.
    public let etcdMembers: [EtcdMember]
    /// Every instance of every service, services in canonical (name) order, each service's
    /// instances in placement order: the order of their ``LocalPorts`` ports.
    public let instances: [ServiceInstance]
    /// The executable products of the generated services package (`services/`): one per service in
    /// declaration order, or the architecture's name alone for `style monolith`.
    public let executables: [String]

    /// The routes of each gateway, or why they cannot be planned (the gateway targets then fail).
    let gatewayRoutes: Result<[String: [RoutePlan]], GenerationError>
    /// The local proxies' plans, parallel to ``gateways``.
    let localGateways: Result<[GatewayPlan], GenerationError>
    /// What the deployment targets deploy.
    let deployment: DeploymentPlan

    /// The registry lease of instances in local runs, in seconds: short, so that a killed instance
    /// leaves the registry within seconds (``RuntimeContract/Environment/leaseTTL``; the runtime's
    /// default is 10).
    public static let localLeaseTTLSeconds = 5

    /// Plans every part of a build of `analyses`' architecture. Never fails: a part that cannot be
    /// planned fails the generators that need it, with the reason.
    public static func make(_ analyses: ArchitectureAnalyses) -> BuildPlan {
        BuildPlan(analyses)
    }

    init(_ analyses: ArchitectureAnalyses) {
        let architecture = analyses.architecture
        let ports = LocalPorts(architecture)
        self.architecture = architecture.name
        gateways = GatewayProxy.all(architecture, ports: ports)
        etcdMembers = EtcdMember.all(architecture, ports: ports)
        executables = ServicesPlan.productNames(architecture)
        instances = ServiceInstance.all(architecture, ports: ports, etcdMembers: etcdMembers)
        gatewayRoutes = Self.result { try GatewayPlanner.routes(analyses) }
        localGateways = gatewayRoutes.flatMap { [gateways] routes in
            Self.result { try GatewayPlanner.plans(for: gateways, in: architecture, routes: routes) }
        }
        deployment = DeploymentPlan(analyses)
    }

    /// The client URLs of every etcd member, in ``etcdMembers`` order.
    public var etcdEndpoints: [String] { etcdMembers.map(\.clientURL) }

    /// The etcd client URLs an instance of `set` (nil: shared by every set) registers with: its
    /// set's cluster when the registry is placed per set, the shared cluster otherwise; every
    /// member when neither applies.
    public func etcdEndpoints(forSet set: String?) -> [String] {
        EtcdMember.endpoints(forSet: set, among: etcdMembers)
    }

    /// `body`'s value, or its error as a ``GenerationError``.
    static func result<T>(_ body: () throws -> T) -> Result<T, GenerationError> {
        do {
            return .success(try body())
        } catch let error as GenerationError {
            return .failure(error)
        } catch {
            return .failure(GenerationError("\(error)"))
        }
    }
}
