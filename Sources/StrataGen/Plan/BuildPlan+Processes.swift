import StrataModel

extension BuildPlan {
    /// One gateway's proxy for one set in a local run.
    public struct GatewayProxy: Sendable, Equatable {
        /// The gateway's name.
        public let gateway: String
        /// The set whose instances it prefers.
        public let set: String
        /// `<gateway>-<set>`: the process name and the stem of its configuration files.
        public let name: String
        /// The spec's `engine`: what the gateway runs when nothing else is asked for.
        public let engine: GatewayEngine
        /// The listener port (``LocalPorts/gatewayPort(_:set:)``), on 127.0.0.1.
        public let port: Int
        /// The admin (Envoy) or status (nginx) port, on 127.0.0.1; answers ``readyPath`` once the proxy is ready.
        public let adminPort: Int
        /// `gateway/envoy/<name>.yaml`, relative to the output folder: `envoy -c FILE --disable-hot-restart`.
        public let envoyConfig: String
        /// `gateway/nginx/<name>.conf`, relative to the output folder: `nginx -p SCRATCH_DIR/ -c FILE -e stderr`,
        /// run in a scratch folder of its own (pid file, logs and temporary files are relative to it).
        public let nginxConfig: String
        /// `gateway/envoy/dev-token.jwt` for a gateway with `auth jwt`: a token its Envoy accepts; nil otherwise.
        public let developmentToken: String?

        /// Readiness path on ``adminPort``: 200 once the proxy serves (Envoy's admin interface, nginx's status server).
        public static let readyPath = EnvoyDeployment.readyPath

        /// `http://127.0.0.1:<port>`: where clients send requests.
        public var url: String { "http://\(LoopbackAddressing.host):\(port)" }
        /// `http://127.0.0.1:<adminPort>`.
        public var adminURL: String { "http://\(LoopbackAddressing.host):\(adminPort)" }

        /// The configuration file for `engine`, relative to the output folder.
        public func config(for engine: GatewayEngine) -> String {
            switch engine {
            case .envoy: envoyConfig
            case .nginx: nginxConfig
            }
        }

        /// Every gateway in declaration order, each for every set in set order.
        static func all(_ architecture: Architecture, ports: LocalPorts) -> [GatewayProxy] {
            architecture.gateways.flatMap { gateway in
                architecture.sets.enumerated().compactMap { index, set in
                    guard let port = ports.gatewayPort(gateway.name, set: index),
                          let admin = ports.gatewayAdminPort(gateway.name, set: index) else { return nil }
                    let name = "\(gateway.name)-\(set.name)"
                    return GatewayProxy(gateway: gateway.name, set: set.name, name: name, engine: gateway.engine, port: port, adminPort: admin,
                                        envoyConfig: "\(EnvoyGenerator.folder)/\(name).yaml", nginxConfig: "\(NginxGenerator.folder)/\(name).conf",
                                        developmentToken: gateway.auth?.value == .jwt ? EnvoyGenerator.developmentTokenPath : nil)
                }
            }
        }
    }

    /// One member of the etcd registry in a local run.
    ///
    /// Run it as `etcd --config-file OUT/<configFile>` in an empty working folder: the
    /// configuration's `data-dir` is relative (``dataDirectory``), so etcd keeps its data there, and
    /// it enables the v3 JSON gateway the generated services use. Members of one cluster may share
    /// a working folder (their data folders differ by name).
    public struct EtcdMember: Sendable, Equatable {
        /// `etcd-<n>`, or `etcd-<set>-<n>` for a registry placed `per set` (n from 1).
        public let name: String
        /// The set whose cluster it belongs to; nil for the one cluster shared by every set.
        public let set: String?
        /// Client port on 127.0.0.1 (``LocalPorts/etcdPorts(member:)``).
        public let clientPort: Int
        /// Peer port on 127.0.0.1 (the client port + 1).
        public let peerPort: Int
        /// `registry/etcd/<name>.conf.yaml`, relative to the output folder.
        public let configFile: String
        /// `<name>.etcd`: the data folder etcd creates, relative to the folder it runs in.
        public let dataDirectory: String

        /// Readiness path on the client port: 200 once the member has joined a healthy cluster.
        public static let healthPath = "/health"

        /// `http://127.0.0.1:<clientPort>`: what services register with (``RuntimeContract/Environment/etcdEndpoints``).
        public var clientURL: String { "http://\(LoopbackAddressing.host):\(clientPort)" }
        /// `http://127.0.0.1:<peerPort>`.
        public var peerURL: String { "http://\(LoopbackAddressing.host):\(peerPort)" }

        /// The client URLs an instance of `set` registers with: its set's cluster, or the shared one;
        /// every member when neither applies.
        static func endpoints(forSet set: String?, among members: [EtcdMember]) -> [String] {
            let own = members.filter { $0.set == nil || $0.set == set }
            return (own.isEmpty ? members : own).map(\.clientURL)
        }

        /// The members of an etcd registry: the placed replicas, per set when the registry is placed `per set`.
        static func all(_ architecture: Architecture, ports: LocalPorts) -> [EtcdMember] {
            guard let discovery = architecture.discovery, discovery.mode == .registry, discovery.engine == .etcd else { return [] }
            let instances = architecture.instances[ComponentID(.registry, "registry")] ?? []
            let striped = discovery.placement?.isStriped == true
            let members = instances.enumerated().map { number, instance in
                let (client, peer) = ports.etcdPorts(member: number)
                let contract = RuntimeContract.instanceName(instance, in: architecture)
                let name = "etcd-" + (contract.hasPrefix("registry-") ? String(contract.dropFirst("registry-".count)) : contract)
                return (instance.set, EtcdMember(
                    name: name, set: striped ? instance.set.map { architecture.sets[$0].name } : nil, clientPort: client, peerPort: peer,
                    configFile: "\(EtcdRegistryEmitter.folder)/\(name).conf.yaml", dataDirectory: "\(name).etcd"))
            }
            guard striped else { return members.map(\.1) }
            return architecture.sets.indices.flatMap { set in members.filter { $0.0 == set }.map(\.1) }
        }
    }

    /// One service instance in a local run.
    public struct ServiceInstance: Sendable, Equatable {
        /// `<service>-<set>-<n>`, or `<service>-<n>` when shared by every set (``RuntimeContract/instanceName(_:in:)``).
        public let name: String
        /// The service it is an instance of.
        public let service: String
        /// The set it serves; nil when shared by every set.
        public let set: String?
        /// The product of the services package it runs: the service's own, or the monolith's.
        public let executable: String
        /// Its port on 127.0.0.1 (``LocalPorts/port(of:)``).
        public let port: Int
        /// The runtime contract's variables for it (``RuntimeContract/Environment``): who it is, where it
        /// listens and advertises (127.0.0.1), its registry (empty without etcd) and a short lease
        /// (``BuildPlan/localLeaseTTLSeconds``).
        public let environment: [String: String]

        /// Readiness path on ``port``: 200 once the instance is listening (and registered, with etcd).
        public static let readyPath = RuntimeContract.readyPath

        /// `http://127.0.0.1:<port>`.
        public var url: String { "http://\(LoopbackAddressing.host):\(port)" }

        /// Every instance of every service, services in canonical order, instances in placement order.
        static func all(_ architecture: Architecture, ports: LocalPorts, etcdMembers: [EtcdMember]) -> [ServiceInstance] {
            typealias Env = RuntimeContract.Environment
            let monolith = architecture.style == .monolith
            var result: [ServiceInstance] = []
            for component in architecture.components where component.kind == .service {
                for instance in architecture.instances[component] ?? [] {
                    guard let port = ports.port(of: instance) else { continue }
                    let name = RuntimeContract.instanceName(instance, in: architecture)
                    let set = instance.set.map { architecture.sets[$0].name }
                    var environment = [
                        Env.architecture: architecture.name, Env.service: component.name, Env.instance: name,
                        Env.host: LoopbackAddressing.host, Env.advertiseHost: LoopbackAddressing.host, Env.port: String(port),
                        Env.etcdEndpoints: EtcdMember.endpoints(forSet: set, among: etcdMembers).joined(separator: ","),
                        Env.leaseTTL: String(BuildPlan.localLeaseTTLSeconds),
                    ]
                    if let set { environment[Env.set] = set }
                    result.append(ServiceInstance(name: name, service: component.name, set: set,
                                                  executable: monolith ? architecture.name : component.name, port: port, environment: environment))
                }
            }
            return result
        }
    }
}
