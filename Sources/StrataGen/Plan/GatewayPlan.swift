import StrataAnalysis
import StrataModel

/// One gateway's proxy: what the Envoy and nginx emitters both render.
///
/// Engine-neutral decisions live here so that both proxies behave alike: which routes exist and in
/// which order, which requests may be retried, which instances serve a route first and which are
/// failover. Where the proxy runs (loopback, compose, Kubernetes) shows only in the upstreams'
/// addresses (``UpstreamAddressing``) and in the emitter's deployment inputs (``EnvoyDeployment``).
struct GatewayPlan: Sendable {
    let architecture: String
    /// The architecture's `description`, shown in header comments.
    let description: String?
    let gateway: String
    /// The set whose instances the proxy prefers; nil for one proxy shared by every set (a deployed
    /// gateway that is not placed `per set`).
    let set: String?
    /// Longest prefix first, so that "first match" (Envoy) and "longest match" (nginx) agree.
    let routes: [RoutePlan]
    /// One per cluster a route points to, sorted by cluster name.
    let upstreams: [UpstreamPlan]
    /// How the proxy resolves the upstreams' addresses (from their ``UpstreamAddressing``).
    let resolution: UpstreamResolution
    let auth: AuthMode
    /// Requests per second per gateway instance, when the spec declares `rate-limit`.
    let rateLimitPerSecond: Double?

    /// `<gateway>-<set>` (`<gateway>` when shared): the node and file name of this proxy (without extension).
    var stem: String { self.set.map { "\(gateway)-\($0)" } ?? gateway }

    /// The upstream serving a route's service.
    func upstream(for route: RoutePlan) -> UpstreamPlan? {
        upstreams.first { $0.services.contains(route.service) }
    }
}

/// `route "PREFIX" -> SERVICE`, resolved.
struct RoutePlan: Sendable {
    let prefix: String
    let service: String
    /// Per-attempt timeout; nil when the route declares none (the proxy's default applies).
    let timeoutMilliseconds: Double?
    let retry: RetryPlan
    /// The header whose hash picks the instance (`key` of a stateful service), or nil.
    let hashHeader: String?

    /// Attempts the route may make in the worst case (first try plus retries), for the overall deadline.
    var attempts: Int {
        switch retry {
        case .connectionOnly: 1
        case .all(let n): n + 1
        case .byMethod(_, let n): n + 1
        }
    }
}

/// Which failed requests a route sends again.
///
/// A request that never reached an instance (connection refused or failed, stream
/// refused, reset before the request was sent) is always sent to another instance:
/// nothing was processed, so this is failover, not a retry. Re-sending a request an
/// instance may already have processed is a retry, and happens only when the route
/// says `retries N` and only for idempotent endpoints (`GET HEAD PUT DELETE OPTIONS`,
/// or marked `idempotent`).
enum RetryPlan: Equatable, Sendable {
    /// `retries 0` (the default): connection-level failover only.
    case connectionOnly
    /// Every endpoint under the prefix is idempotent: up to `n` retries on errors, resets and 5xx.
    case all(Int)
    /// Some endpoint under the prefix is not idempotent: up to `n` retries for requests whose method is
    /// in `methods` (every endpoint with that method is idempotent), connection-level failover for the rest.
    case byMethod([HTTPMethod], Int)

    /// Connection-level resends of a request that never reached an instance.
    static let connectionRetries = 2

    /// Methods idempotent by HTTP semantics.
    static let idempotentMethods: [HTTPMethod] = [.GET, .HEAD, .PUT, .DELETE, .OPTIONS]

    /// True when re-sending `endpoint` is safe.
    static func isIdempotent(_ endpoint: Endpoint) -> Bool {
        endpoint.idempotent || idempotentMethods.contains(endpoint.method)
    }

    /// The plan for a route with `retries` that exposes `endpoints`.
    static func plan(retries: Int, exposing endpoints: [Endpoint]) -> RetryPlan {
        guard retries > 0 else { return .connectionOnly }
        if endpoints.allSatisfy(isIdempotent) { return .all(retries) }
        let methods = HTTPMethod.allCases.filter { method in
            let withMethod = endpoints.filter { $0.method == method }
            if idempotentMethods.contains(method) { return true }
            return !withMethod.isEmpty && withMethod.allSatisfy(isIdempotent)
        }
        return .byMethod(methods, retries)
    }
}

/// One cluster of upstream hosts, as the proxy of one set (or a shared proxy) sees them.
struct UpstreamPlan: Sendable {
    /// The cluster's name: the service's (for a deployed monolith, the monolith's, which serves every service).
    let cluster: String
    /// The services whose routes it serves.
    let services: [String]
    /// Hosts in order of preference: `tiers[0]` serves normally (the set's own instances, or every
    /// instance of a shared service); later tiers are failover sets, nearest first.
    let tiers: [[UpstreamEndpoint]]
    let hashHeader: String?

    var failover: [UpstreamEndpoint] { tiers.dropFirst().flatMap { $0 } }

    /// Hosts the proxy sees in its largest tier (a DNS name may stand for several).
    var largestTier: Int { tiers.map { $0.reduce(0) { $0 + $1.hosts } }.max() ?? 1 }
}

/// One upstream address: a service instance, or a DNS name standing for several.
struct UpstreamEndpoint: Equatable, Sendable {
    /// The instance behind it (`orders-sh-a-1`); nil when the address stands for a group (a Kubernetes Service).
    let instance: String?
    let host: String
    let port: Int
    /// How many hosts the proxy sees behind the address: 1, or the pods a headless Service name resolves to.
    var hosts: Int = 1
}

/// Where a gateway's upstreams are, for one kind of deployment: loopback ports for local runs,
/// container names for compose, Service DNS names for Kubernetes.
protocol UpstreamAddressing {
    /// How the proxy resolves the addresses.
    var resolution: UpstreamResolution { get }
    /// The cluster serving `service` for a proxy of `scope`, with its hosts in priority order.
    func upstream(serving service: Service, from scope: DeploymentScope) throws -> UpstreamPlan
}

/// How a proxy turns upstream addresses into hosts.
enum UpstreamResolution: Sendable {
    /// IP addresses (Envoy `STATIC`).
    case staticAddresses
    /// Host names, every address of each kept (Envoy `STRICT_DNS`).
    case dns
}

/// Local runs: every instance on loopback, on its ``LocalPorts`` port.
struct LoopbackAddressing: UpstreamAddressing {
    /// Loopback address instances listen on in local runs.
    static let host = "127.0.0.1"

    let architecture: Architecture
    let ports: LocalPorts

    var resolution: UpstreamResolution { .staticAddresses }

    /// A striped service: the set's own instances, then (with `failover nearest`) each other set's,
    /// nearest first. A shared service: every instance at once.
    func upstream(serving service: Service, from scope: DeploymentScope) throws -> UpstreamPlan {
        let instances = architecture.instances[ComponentID(.service, service.name)] ?? []
        func endpoints(_ selected: [Instance]) throws -> [UpstreamEndpoint] {
            try selected.map { instance in
                guard let port = ports.port(of: instance) else {
                    throw GenerationError("service \(service.name) has an instance without a local port")
                }
                return UpstreamEndpoint(instance: RuntimeContract.instanceName(instance, in: architecture), host: Self.host, port: port)
            }
        }
        var tiers: [[UpstreamEndpoint]]
        if service.placement.isStriped, let own = scope.setIndex {
            tiers = try ([own] + SetFailover.order(from: own, in: architecture)).map { set in
                try endpoints(instances.filter { $0.set == set })
            }
        } else {
            tiers = [try endpoints(instances)]
        }
        tiers = tiers.filter { !$0.isEmpty }
        guard !tiers.isEmpty else { throw GenerationError("service \(service.name) has no instance to route to") }
        return UpstreamPlan(cluster: service.name, services: [service.name], tiers: tiers,
                            hashHeader: GatewayPlanner.hashHeader(of: service))
    }
}

/// Builds ``GatewayPlan``s: the routes of each gateway once, then one plan per proxy.
enum GatewayPlanner {
    /// The routes of every gateway, longest prefix first (equal lengths in declaration order), by gateway name.
    static func routes(_ analyses: ArchitectureAnalyses) throws -> [String: [RoutePlan]] {
        let architecture = analyses.architecture
        var result: [String: [RoutePlan]] = [:]
        for gateway in architecture.gateways {
            var routes: [RoutePlan] = []
            for route in gateway.routes {
                guard let service = architecture.service(route.service) else {
                    throw GenerationError("gateway \(gateway.name): route \(route.prefix) points to unknown service \(route.service)")
                }
                let exposed = analyses.callGraph.publicEndpoints
                    .filter { $0.gateway == gateway.name && $0.route.prefix == route.prefix }
                    .compactMap { architecture.endpoint($0.endpoint.service, $0.endpoint.endpoint) }
                routes.append(RoutePlan(prefix: route.prefix, service: service.name,
                                        timeoutMilliseconds: route.timeoutMilliseconds,
                                        retry: RetryPlan.plan(retries: route.retries, exposing: exposed),
                                        hashHeader: hashHeader(of: service)))
            }
            // Sorting is stable on the index, so equal lengths keep declaration order.
            result[gateway.name] = routes.enumerated()
                .sorted { ($0.element.prefix.utf8.count, -$0.offset) > ($1.element.prefix.utf8.count, -$1.offset) }
                .map(\.element)
        }
        return result
    }

    /// The proxy of `gateway` for `scope`, its upstreams addressed by `addressing`. Routes whose
    /// services share a cluster (a deployed monolith) share its upstream.
    static func plan(_ gateway: Gateway, routes: [RoutePlan], scope: DeploymentScope, in architecture: Architecture,
                     addressing: some UpstreamAddressing) throws -> GatewayPlan {
        var upstreams: [UpstreamPlan] = []
        for name in Set(routes.map(\.service)).sorted() {
            guard let service = architecture.service(name) else { throw GenerationError("gateway \(gateway.name) routes to unknown service \(name)") }
            let upstream = try addressing.upstream(serving: service, from: scope)
            if let index = upstreams.firstIndex(where: { $0.cluster == upstream.cluster }) {
                let merged = upstreams[index]
                upstreams[index] = UpstreamPlan(cluster: merged.cluster, services: merged.services + [name], tiers: merged.tiers,
                                                hashHeader: merged.hashHeader ?? upstream.hashHeader)
            } else {
                upstreams.append(upstream)
            }
        }
        return GatewayPlan(architecture: architecture.name, description: architecture.description, gateway: gateway.name,
                           set: scope.setIndex.map { architecture.sets[$0].name }, routes: routes,
                           upstreams: upstreams.sorted { $0.cluster < $1.cluster }, resolution: addressing.resolution,
                           auth: gateway.auth?.value ?? .none, rateLimitPerSecond: gateway.rateLimitPerSecond)
    }

    /// The plan of each local proxy (``BuildPlan/gateways``), on loopback, from routes planned already.
    static func plans(for proxies: [BuildPlan.GatewayProxy], in architecture: Architecture, routes: [String: [RoutePlan]]) throws -> [GatewayPlan] {
        let addressing = LoopbackAddressing(architecture: architecture, ports: LocalPorts(architecture))
        return try proxies.map { proxy in
            guard let gateway = architecture.gateway(proxy.gateway), let set = architecture.sets.firstIndex(where: { $0.name == proxy.set }) else {
                throw GenerationError("no gateway \(proxy.gateway) in set \(proxy.set)")
            }
            return try plan(gateway, routes: routes[gateway.name] ?? [], scope: .set(set), in: architecture, addressing: addressing)
        }
    }

    /// The `key` header of a stateful service, lowercased. The compiler admits only valid header
    /// names as keys (``ValueSyntax/headerNameProblem(_:)``), so nothing is checked here.
    static func hashHeader(of service: Service) -> String? {
        guard service.stateful, let key = service.key?.value else { return nil }
        return key.lowercased()
    }
}
