import StrataAnalysis
import StrataModel

/// One gateway's proxy for one set, for local runs: what the Envoy and nginx emitters both render.
///
/// Engine-neutral decisions live here so that both proxies behave alike: which
/// routes exist and in which order, which requests may be retried, which
/// instances serve a route first and which are failover.
struct GatewayPlan {
    let architecture: String
    /// The architecture's `description`, shown in header comments.
    let description: String?
    let gateway: String
    let set: String
    /// Listener port (``LocalPorts/gatewayPort(_:set:)``).
    let port: Int
    /// Admin / status port (``LocalPorts/gatewayAdminPort(_:set:)``).
    let adminPort: Int
    /// Longest prefix first, so that "first match" (Envoy) and "longest match" (nginx) agree.
    let routes: [RoutePlan]
    /// One per service a route points to, sorted by service name.
    let upstreams: [UpstreamPlan]
    let auth: AuthMode
    /// Requests per second per gateway instance, when the spec declares `rate-limit`.
    let rateLimitPerSecond: Double?

    /// `<gateway>-<set>`: the file name of this proxy's configuration (without extension).
    var stem: String { "\(gateway)-\(set)" }
}

/// `route "PREFIX" -> SERVICE`, resolved.
struct RoutePlan {
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
enum RetryPlan: Equatable {
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

/// The instances behind one service, as the gateway of one set sees them.
struct UpstreamPlan {
    let service: String
    /// Instances in order of preference: `tiers[0]` serves normally (the set's own instances, or every
    /// instance of a shared service); later tiers are failover sets, nearest first.
    let tiers: [[UpstreamEndpoint]]
    let hashHeader: String?

    var failover: [UpstreamEndpoint] { tiers.dropFirst().flatMap { $0 } }
}

/// One service instance on loopback.
struct UpstreamEndpoint: Equatable {
    let instance: String
    let host: String
    let port: Int
}

/// Builds the ``GatewayPlan`` of every gateway for every set.
enum GatewayPlanner {
    /// Loopback address instances listen on in local runs.
    static let host = "127.0.0.1"

    /// One plan per gateway per set, gateways in declaration order, sets in set order.
    static func plans(_ analyses: ArchitectureAnalyses) throws -> [GatewayPlan] {
        let architecture = analyses.architecture
        let ports = LocalPorts(architecture)
        let graph = analyses.callGraph
        var plans: [GatewayPlan] = []
        for gateway in architecture.gateways {
            for (setIndex, set) in architecture.sets.enumerated() {
                guard let port = ports.gatewayPort(gateway.name, set: setIndex),
                      let adminPort = ports.gatewayAdminPort(gateway.name, set: setIndex) else {
                    throw GenerationError("gateway \(gateway.name) has no local port")
                }
                var routes: [RoutePlan] = []
                for route in gateway.routes {
                    guard let service = architecture.service(route.service) else {
                        throw GenerationError("gateway \(gateway.name): route \(route.prefix) points to unknown service \(route.service)")
                    }
                    let exposed = graph.publicEndpoints
                        .filter { $0.gateway == gateway.name && $0.route.prefix == route.prefix }
                        .compactMap { architecture.endpoint($0.endpoint.service, $0.endpoint.endpoint) }
                    routes.append(RoutePlan(prefix: route.prefix, service: service.name,
                                            timeoutMilliseconds: route.timeoutMilliseconds,
                                            retry: RetryPlan.plan(retries: route.retries, exposing: exposed),
                                            hashHeader: try hashHeader(of: service)))
                }
                // Longest prefix first; equal lengths keep declaration order (sorting is stable on the index).
                let ordered = routes.enumerated()
                    .sorted { ($0.element.prefix.utf8.count, -$0.offset) > ($1.element.prefix.utf8.count, -$1.offset) }
                    .map(\.element)
                let services = Set(routes.map(\.service)).sorted()
                let upstreams = try services.map { name in
                    try upstream(architecture.service(name)!, forSet: setIndex, in: architecture, ports: ports)
                }
                plans.append(GatewayPlan(architecture: architecture.name, description: architecture.description, gateway: gateway.name, set: set.name,
                                         port: port, adminPort: adminPort, routes: ordered, upstreams: upstreams,
                                         auth: gateway.auth?.value ?? .none, rateLimitPerSecond: gateway.rateLimitPerSecond))
            }
        }
        return plans
    }

    /// The instances of `service` in order of preference for the gateway of set `setIndex`.
    static func upstream(_ service: Service, forSet setIndex: Int, in architecture: Architecture, ports: LocalPorts) throws -> UpstreamPlan {
        let instances = architecture.instances[ComponentID(.service, service.name)] ?? []
        func endpoints(_ selected: [Instance]) throws -> [UpstreamEndpoint] {
            try selected.map { instance in
                guard let port = ports.port(of: instance) else {
                    throw GenerationError("service \(service.name) has an instance without a local port")
                }
                return UpstreamEndpoint(instance: RuntimeContract.instanceName(instance, in: architecture), host: host, port: port)
            }
        }
        var tiers: [[UpstreamEndpoint]]
        if service.placement.isStriped {
            tiers = [try endpoints(instances.filter { $0.set == setIndex })]
            if architecture.striping.failover == .nearest {
                for other in nearestSets(to: setIndex, in: architecture) {
                    tiers.append(try endpoints(instances.filter { $0.set == other }))
                }
            }
        } else {
            tiers = [try endpoints(instances)]
        }
        tiers = tiers.filter { !$0.isEmpty }
        guard !tiers.isEmpty else { throw GenerationError("service \(service.name) has no instance to route to") }
        return UpstreamPlan(service: service.name, tiers: tiers, hashHeader: try hashHeader(of: service))
    }

    /// The other sets ordered by round-trip time from `setIndex`, ties in set order (as the failure analysis orders them).
    static func nearestSets(to setIndex: Int, in architecture: Architecture) -> [Int] {
        let sets = architecture.sets
        let from = sets[setIndex].domain
        return sets.indices.filter { $0 != setIndex }.sorted {
            let (a, b) = (architecture.topology.rtt(from, sets[$0].domain), architecture.topology.rtt(from, sets[$1].domain))
            return a != b ? a < b : $0 < $1
        }
    }

    /// The `key` header of a stateful service, checked to be a valid HTTP header name.
    static func hashHeader(of service: Service) throws -> String? {
        guard service.stateful, let key = service.key?.value else { return nil }
        guard HeaderName.isValid(key) else {
            throw GenerationError("service \(service.name): key \(CommentText.oneLine(key)) is not a valid HTTP header name")
        }
        return key.lowercased()
    }
}

/// HTTP header names (RFC 9110 tokens).
enum HeaderName {
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { c in
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(c))
        }
    }
}
