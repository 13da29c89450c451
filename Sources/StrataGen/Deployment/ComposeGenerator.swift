import StrataModel

/// `compose` target: `deploy/compose/docker-compose.yaml`, the whole system on one host for local
/// development, plus the gateways' envoy configs in `deploy/compose/envoy/`.
///
/// Every placed instance of a service is a container named as in the runtime contract
/// (`orders-sh-a-1`), so registry keys and logs read the same as in a real deployment; each gateway
/// runs one proxy per set; the registry runs its declared etcd members. Host ports are the
/// ``LocalPorts`` ones, published on 127.0.0.1 only. Stores are not started: they are the user's
/// (the generated store steps are placeholders).
struct ComposeGenerator: Generator {
    let target = BuildTarget.compose

    static let root = "deploy/compose"
    static let fileName = "docker-compose.yaml"

    func generate(_ input: GenerationInput) throws -> [Artifact] {
        let plan = input.plan.deployment
        let routes = try input.plan.gatewayRoutes.get()
        let compose = ComposeFile(plan: plan)
        var artifacts = [Artifact(path: "\(ComposeGenerator.root)/\(ComposeGenerator.fileName)",
                                  contents: YAMLWriter.file(header: input.header, documents: [compose.document()]))]
        for gateway in plan.gateways {
            let config = try plan.envoyConfig(gateway, routes: routes, addressing: compose.addressing,
                                              deployment: ComposeFile.envoyDeployment, header: input.header)
            artifacts.append(Artifact(path: "\(ComposeGenerator.root)/\(ComposeFile.envoyConfigPath(gateway))", contents: config))
        }
        return artifacts
    }
}

/// The compose file of a ``DeploymentPlan``.
struct ComposeFile {
    /// The hardening every container gets, services and gateways alike: a read-only root with a
    /// private /tmp, a non-root user, no capabilities, no privilege escalation, restarted unless stopped.
    static let hardening: [(String, YAMLValue?)] = [
        ("read_only", true),
        ("tmpfs", ["/tmp"]),
        ("user", .string("\(DeploymentDefaults.userID):\(DeploymentDefaults.userID)")),
        ("cap_drop", ["ALL"]),
        ("security_opt", ["no-new-privileges:true"]),
        ("restart", "unless-stopped"),
    ]

    let plan: DeploymentPlan
    let ports: LocalPorts

    init(plan: DeploymentPlan) {
        self.plan = plan
        ports = LocalPorts(plan.architecture)
    }

    var architecture: Architecture { plan.architecture }

    /// The envoy config of a gateway, relative to the compose file.
    static func envoyConfigPath(_ g: GatewayWorkload) -> String { "envoy/\(g.name).yaml" }

    /// One container of a workload: its compose service name and host port.
    struct Member {
        let name: String
        let hostPort: Int?
    }

    /// The containers of a workload: the placed instances of its service in its scope.
    func members(_ w: AppWorkload) -> [Member] {
        let instances = (architecture.instances[ComponentID(.service, w.instanceSource)] ?? []).filter { $0.set == w.scope.setIndex }
        return instances.map { instance in
            let contract = RuntimeContract.instanceName(instance, in: architecture)
            let name = w.component == w.instanceSource ? contract : w.component + contract.dropFirst(w.instanceSource.count)
            return Member(name: name, hostPort: ports.port(of: instance))
        }
    }

    /// The etcd members of a registry cluster, with their client host ports.
    func members(_ r: RegistryWorkload) -> [Member] {
        let instances = (architecture.instances[ComponentID(.registry, "registry")] ?? []).filter { $0.set == r.scope.setIndex }
        return instances.map { Member(name: RuntimeContract.instanceName($0, in: architecture), hostPort: ports.etcdPorts(member: $0.index).client) }
    }

    /// A gateway's proxy addresses every instance container of its upstreams by name.
    var addressing: WorkloadAddressing {
        WorkloadAddressing(plan: plan) { w in
            members(w).map { UpstreamEndpoint(instance: $0.name, host: $0.name, port: RuntimeContract.containerPort) }
        }
    }

    /// Where a gateway's Envoy listens in its container: the listener and the health listener on
    /// all interfaces (compose publishes the listener on 127.0.0.1 only), the admin interface inside
    /// the container only, as in Kubernetes: on the compose network every other container could
    /// otherwise stop the proxy or rewrite its runtime (the rate limit's switches are runtime keys).
    /// Secrets come from the environment.
    static let envoyDeployment = EnvoyDeployment(
        purpose: "for docker compose",
        listener: SocketAddress("0.0.0.0", GatewayContainer.listenerPort), admin: SocketAddress("127.0.0.1", GatewayContainer.adminPort),
        healthListener: SocketAddress("0.0.0.0", GatewayContainer.healthPort), credentials: .environment,
        upstreamsNote: "upstreams by container name (STRICT_DNS)",
        runNote: "docker-compose.yaml mounts it at \(GatewayContainer.configPath) and publishes the listener on 127.0.0.1.")

    /// The whole file: the registry's members, every service instance, then the gateways.
    func document() -> YAMLValue {
        var services: [YAMLPair] = []
        var volumes: [YAMLPair] = []
        for r in plan.registries {
            let members = self.members(r)
            for m in members {
                volumes.append(YAMLPair(key: "\(m.name)-data", value: .emptyMap))
                services.append(YAMLPair(key: m.name, value: etcdContainer(m, of: r, cluster: members)))
            }
        }
        for w in plan.workloads {
            let registry = plan.registry(for: w.scope).map(members) ?? []
            for m in members(w) { services.append(YAMLPair(key: m.name, value: serviceContainer(m, of: w, registry: registry))) }
        }
        for g in plan.gateways { services.append(YAMLPair(key: g.name, value: gatewayContainer(g))) }
        return [
            "services": .map(services),
            "volumes": volumes.isEmpty ? nil : .map(volumes),
        ]
    }

    /// One etcd member of a registry cluster, its data on a named volume.
    func etcdContainer(_ m: Member, of r: RegistryWorkload, cluster: [Member]) -> YAMLValue {
        let peers = cluster.map { "\($0.name)=http://\($0.name):\(RuntimeContract.etcdPeerPort)" }.joined(separator: ",")
        return [
            "image": .string(DeploymentDefaults.etcdImage),
            "command": .strings([
                "/usr/local/bin/etcd",
                "--name=\(m.name)",
                "--data-dir=/var/lib/etcd/data",
                "--listen-client-urls=http://0.0.0.0:\(RuntimeContract.etcdClientPort)",
                "--advertise-client-urls=http://\(m.name):\(RuntimeContract.etcdClientPort)",
                "--listen-peer-urls=http://0.0.0.0:\(RuntimeContract.etcdPeerPort)",
                "--initial-advertise-peer-urls=http://\(m.name):\(RuntimeContract.etcdPeerPort)",
                "--initial-cluster=\(peers)",
                "--initial-cluster-state=new",
                "--initial-cluster-token=\(architecture.name)-\(r.name)",
            ].map(ComposeFile.literal)),
            "ports": m.hostPort.map { [.string("127.0.0.1:\($0):\(RuntimeContract.etcdClientPort)")] },
            "volumes": [.string("\(m.name)-data:/var/lib/etcd")],
            "healthcheck": healthcheck(["/usr/local/bin/etcdctl", "--endpoints=http://127.0.0.1:\(RuntimeContract.etcdClientPort)",
                                        "endpoint", "health"]),
            "read_only": true,
            "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges:true"],
            "restart": "unless-stopped",
        ]
    }

    /// One instance of a workload, with the runtime contract's environment; it starts once its registry is healthy.
    func serviceContainer(_ m: Member, of w: AppWorkload, registry: [Member]) -> YAMLValue {
        typealias Env = RuntimeContract.Environment
        var environment: [(String, YAMLValue?)] = [
            (Env.architecture, .string(architecture.name)),
            (Env.service, plan.serviceVariable(w).map(YAMLValue.string)),
            (Env.set, plan.setName(w.scope).map(YAMLValue.string)),
            (Env.instance, .string(m.name)),
            (Env.host, "0.0.0.0"),
            (Env.advertiseHost, .string(m.name)),
            (Env.port, .string(String(RuntimeContract.containerPort))),
        ]
        if !registry.isEmpty {
            let endpoints = registry.map { "http://\($0.name):\(RuntimeContract.etcdClientPort)" }.joined(separator: ",")
            environment.append((Env.etcdEndpoints, .string(endpoints)))
        }
        return .map([
            ("image", .string(ComposeFile.literal(DeploymentDefaults.serviceImage(w, architecture: architecture)))),
            ("environment", .map(environment.map { ($0.0, $0.1.map(ComposeFile.literal)) })),
            ("ports", m.hostPort.map { [.string("127.0.0.1:\($0):\(RuntimeContract.containerPort)")] }),
            ("healthcheck", healthcheck(ComposeFile.httpCheck(port: RuntimeContract.containerPort, path: RuntimeContract.healthPath))),
            ("depends_on", registry.isEmpty ? nil : .map(registry.map { YAMLPair(key: $0.name, value: ["condition": "service_healthy"]) })),
        ] + ComposeFile.hardening)
    }

    /// One gateway proxy: Envoy with its generated config, its secrets required from the environment,
    /// started after the instances it prefers (failover targets may come later).
    func gatewayContainer(_ g: GatewayWorkload) -> YAMLValue {
        let set = g.scope.setIndex ?? 0
        var environment: [(String, YAMLValue?)] = []
        switch g.gateway.auth?.value ?? .none {
        case .jwt:
            environment.append((RuntimeContract.GatewayEnvironment.jwks, .string(ComposeFile.required(
                RuntimeContract.GatewayEnvironment.jwks, "the JSON Web Key Set of your token issuer (docs/deploy.md)"))))
        case .apiKey:
            environment.append((RuntimeContract.GatewayEnvironment.apiKey, .string(ComposeFile.required(
                RuntimeContract.GatewayEnvironment.apiKey, "the key clients send in \(DevCredentials.apiKeyHeader) (docs/deploy.md)"))))
        case .none: break
        }
        var upstreams: [String] = []
        for route in g.gateway.routes {
            for w in plan.upstreams(from: g.scope, service: route.service).first ?? [] {
                for m in members(w) where !upstreams.contains(m.name) { upstreams.append(m.name) }
            }
        }
        // The admin interface listens inside the container only (``envoyDeployment``): nothing to publish.
        let published = [(ports.gatewayPort(g.gateway.name, set: set), GatewayContainer.listenerPort)]
        return .map([
            ("image", .string(DeploymentDefaults.envoyImage)),
            ("entrypoint", ["envoy"]),
            ("command", ["--config-path", .string(GatewayContainer.configPath), "--concurrency", "1"]),
            ("environment", environment.isEmpty ? nil : .map(environment)),
            ("volumes", [.string("./\(ComposeFile.envoyConfigPath(g)):\(GatewayContainer.configPath):ro")]),
            ("ports", .list(published.compactMap { host, container in host.map { .string("127.0.0.1:\($0):\(container)") } })),
            ("healthcheck", healthcheck(ComposeFile.httpCheck(port: GatewayContainer.healthPort, path: EnvoyDeployment.readyPath))),
            ("depends_on", upstreams.isEmpty ? nil : .strings(upstreams)),
        ] + ComposeFile.hardening)
    }

    func healthcheck(_ command: [String]) -> YAMLValue {
        [
            "test": .strings(["CMD"] + command.map(ComposeFile.literal)),
            "interval": "5s",
            "timeout": "3s",
            "retries": 5,
            "start_period": "10s",
        ]
    }

    /// An HTTP check that needs nothing but bash in the image: a GET over `/dev/tcp` that must answer 200.
    static func httpCheck(port: Int, path: String) -> [String] {
        ["bash", "-c",
         "exec 3<>/dev/tcp/127.0.0.1/\(port) && printf 'GET \(path) HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
    }

    /// A value compose must take literally: `$` would start a variable, `$$` is a dollar sign.
    static func literal(_ value: String) -> String {
        value.utf8.contains(UInt8(ascii: "$")) ? value.replacingOccurrences(of: "$", with: "$$") : value
    }

    static func literal(_ value: YAMLValue) -> YAMLValue {
        if case .string(let s) = value { return .string(literal(s)) }
        return value
    }

    /// A variable compose takes from the environment (or `.env`), refusing to start without it.
    static func required(_ variable: String, _ what: String) -> String {
        "${\(variable):?set \(variable) to \(what)}"
    }
}
