import StrataModel

/// The contract between generated services, gateways, the registry and deployment
/// files. Every generator takes names, ports and variables from here so they agree.
public enum RuntimeContract {
    /// Environment variables every generated service instance reads.
    public enum Environment {
        public static let architecture = "STRATA_ARCHITECTURE"
        public static let service = "STRATA_SERVICE"
        public static let set = "STRATA_SET"
        public static let instance = "STRATA_INSTANCE"
        /// Address the instance listens on (default 0.0.0.0) and advertises (STRATA_ADVERTISE_HOST, default 127.0.0.1).
        public static let host = "STRATA_HOST"
        public static let advertiseHost = "STRATA_ADVERTISE_HOST"
        public static let port = "STRATA_PORT"
        /// Comma-separated etcd client URLs; empty or unset means no registry (static peers only).
        public static let etcdEndpoints = "STRATA_ETCD_ENDPOINTS"
        /// Registry lease TTL in seconds (default 10).
        public static let leaseTTL = "STRATA_LEASE_TTL"
        /// Seconds between deregistering (answering 503 on readiness) and closing the listener on shutdown (default 1).
        public static let drainSeconds = "STRATA_DRAIN_SECONDS"
    }

    /// Environment variables a deployed gateway proxy reads its secrets from (compose and Kubernetes
    /// set them; local runs use the development keys instead).
    public enum GatewayEnvironment {
        /// The JSON Web Key Set that `auth jwt` checks tokens against.
        public static let jwks = "STRATA_GATEWAY_JWKS"
        /// The key `auth api-key` expects in the `x-api-key` header.
        public static let apiKey = "STRATA_GATEWAY_API_KEY"
    }

    /// Port every container listens on in Kubernetes and compose.
    public static let containerPort = 8080
    /// Envoy/nginx listener port inside a container.
    public static let gatewayContainerPort = 8080
    public static let etcdClientPort = 2379
    public static let etcdPeerPort = 2380

    /// Health endpoints of generated services.
    public static let healthPath = "/health"
    public static let readyPath = "/ready"
    public static let metricsPath = "/metrics"

    /// Registry key of one instance: `/strata/<architecture>/<service>/<set>/<instance>`; its value is
    /// JSON `{"host": "...", "port": N, "set": "...", "instance": "..."}`.
    public static func registryKey(architecture: String, service: String, set: String, instance: String) -> String {
        "/strata/\(architecture)/\(service)/\(set)/\(instance)"
    }

    /// Prefix under which all instances of a service are registered.
    public static func registryPrefix(architecture: String, service: String) -> String {
        "/strata/\(architecture)/\(service)/"
    }

    /// Stable instance name: `<service>-<set>-<n>` (n 1-based within the set) for striped components,
    /// `<service>-<n>` for shared ones.
    public static func instanceName(_ instance: Instance, in architecture: Architecture) -> String {
        let all = architecture.instances[instance.component] ?? []
        if let set = instance.set {
            let n = all.filter { $0.set == set && $0.index <= instance.index }.count
            return "\(instance.component.name)-\(architecture.sets[set].name)-\(n)"
        }
        return "\(instance.component.name)-\(instance.index + 1)"
    }
}

/// Loopback ports for running a whole architecture on one machine (`strata up`, end-to-end tests, compose).
/// Deterministic: derived from canonical component order, never from declaration order.
public struct LocalPorts: Sendable {
    public static let serviceBase = 20000
    public static let gatewayBase = 18000
    public static let etcdBase = 23790

    private let serviceIndex: [Instance: Int]
    private let gatewayNames: [String]
    private let setCount: Int

    public init(_ architecture: Architecture) {
        var index: [Instance: Int] = [:]
        var next = 0
        for component in architecture.components where component.kind == .service {
            for instance in architecture.instances[component] ?? [] {
                index[instance] = next
                next += 1
            }
        }
        serviceIndex = index
        gatewayNames = architecture.gateways.map(\.name).sorted()
        setCount = architecture.sets.count
    }

    /// Port of one service instance (`20000 + n`).
    public func port(of instance: Instance) -> Int? { serviceIndex[instance].map { LocalPorts.serviceBase + $0 } }

    /// Listener port of a gateway's proxy for one set (`18000 + 2 × (gateway × sets + set)`); the admin port is the next one.
    public func gatewayPort(_ gateway: String, set: Int) -> Int? {
        guard let g = gatewayNames.firstIndex(of: gateway) else { return nil }
        return LocalPorts.gatewayBase + 2 * (g * setCount + set)
    }

    /// Admin port of a gateway's proxy for one set.
    public func gatewayAdminPort(_ gateway: String, set: Int) -> Int? { gatewayPort(gateway, set: set).map { $0 + 1 } }

    /// Client and peer ports of etcd member `n` (0-based): `23790 + 2n` and the next one.
    public func etcdPorts(member n: Int) -> (client: Int, peer: Int) {
        (LocalPorts.etcdBase + 2 * n, LocalPorts.etcdBase + 2 * n + 1)
    }
}
