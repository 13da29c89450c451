/// Everything in a gateway's Envoy configuration that depends on where the proxy runs.
///
/// The gateway's behaviour (routes, retries, timeouts, failover priorities, rate limit, health
/// checks, outlier ejection) comes from its ``GatewayPlan`` and is the same in a local run, in
/// compose and in Kubernetes: the file CI proves with a real Envoy is the file users deploy, with
/// these inputs set differently. The upstreams' addresses are part of the plan (its
/// ``UpstreamAddressing``).
struct EnvoyDeployment: Sendable {
    /// What the file is for, in its header comment: `for local runs`, `for docker compose`, ...
    let purpose: String
    /// Where the listener that serves the routes listens.
    let listener: SocketAddress
    /// Where Envoy's admin interface listens.
    let admin: SocketAddress
    /// A second listener that answers only `GET /ready`, for an orchestrator's readiness probe, so
    /// that the admin interface can stay private; nil: none (local runs probe the admin interface).
    let healthListener: SocketAddress?
    /// Where the authentication secrets come from.
    let credentials: GatewayCredentials
    /// How the upstreams are reached, for the header comment.
    let upstreamsNote: String
    /// How to run the file, for the header comment; nil: nothing to add.
    let runNote: String?

    /// Readiness path of ``healthListener`` (and of Envoy's admin interface).
    static let readyPath = "/ready"

    /// A local run: everything on loopback at the ``LocalPorts`` ports, the development credentials inline.
    static func local(port: Int, adminPort: Int, stem: String) -> EnvoyDeployment {
        EnvoyDeployment(
            purpose: "for local runs",
            listener: SocketAddress(LoopbackAddressing.host, port), admin: SocketAddress(LoopbackAddressing.host, adminPort),
            healthListener: nil, credentials: .development,
            upstreamsNote: "upstreams on loopback (strata's LocalPorts)",
            runNote: "Run: envoy -c \(stem).yaml --disable-hot-restart   (check only: envoy --mode validate -c \(stem).yaml)")
    }
}

/// A host (or address) and port to listen on or connect to.
struct SocketAddress: Equatable, Sendable, CustomStringConvertible {
    let host: String
    let port: Int

    init(_ host: String, _ port: Int) {
        self.host = host
        self.port = port
    }

    var description: String { "\(host):\(port)" }
}

/// Where a gateway's authentication secrets come from.
enum GatewayCredentials: Equatable, Sendable {
    /// The public development keys (``DevCredentials``), inline, so that local runs work out of the box.
    case development
    /// Environment variables read when the proxy starts: a JSON Web Key Set for `auth jwt`, a key
    /// for `auth api-key` (``RuntimeContract/GatewayEnvironment``). The configuration holds no secret.
    case environment
}
