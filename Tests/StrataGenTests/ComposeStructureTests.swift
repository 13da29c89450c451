import Foundation
import StrataModel
import Testing
import Yams
@testable import StrataGen

/// The `compose` target's file for every example spec, read back: one container per placed
/// service instance with the runtime contract's environment and a health check, the gateways with
/// their envoy configs, the registry's etcd members, and host ports on loopback only, all distinct.
/// (`docker-compose config -q` accepting the file is proven by scripts/ci.d/50-deploy.sh.)
@Suite struct ComposeStructureTests {
    struct Compose {
        let output: DeployFixture.Output
        let services: [String: DeployObject]

        init(spec: String) throws {
            output = try DeployFixture.build(spec: spec)
            let artifact = try #require(output.artifacts.first { $0.path == "deploy/compose/docker-compose.yaml" })
            let root = try #require(try Yams.load(yaml: String(decoding: artifact.contents, as: UTF8.self)) as? [String: Any])
            let services = try #require(root["services"] as? [String: Any])
            self.services = services.mapValues { DeployObject($0) }
        }

        func environment(_ name: String) -> [String: String] {
            services[name]?.dictionary("environment").mapValues { "\($0)" } ?? [:]
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func everyServiceInstanceRunsWithTheContractsEnvironment(spec: String) throws {
        let compose = try Compose(spec: spec)
        let architecture = compose.output.architecture
        let ports = LocalPorts(architecture)
        let registry = architecture.discovery?.mode == .registry && architecture.discovery?.engine == .etcd
        if architecture.style == .monolith {
            // One executable serves every service: its containers stand for the largest service's instances.
            let monoliths = compose.services.filter { $0.value.string("image") == "strata/\(architecture.name)-\(architecture.name):latest" }
            #expect(!monoliths.isEmpty)
            for (name, _) in monoliths {
                let env = compose.environment(name)
                #expect(env[RuntimeContract.Environment.service] == nil)
                #expect(env[RuntimeContract.Environment.instance] == name)
                #expect(env[RuntimeContract.Environment.architecture] == architecture.name)
            }
            return
        }
        for service in architecture.services {
            for instance in architecture.instances[ComponentID(.service, service.name)] ?? [] {
                let name = RuntimeContract.instanceName(instance, in: architecture)
                let container = try #require(compose.services[name], "\(spec): no container \(name)")
                let env = compose.environment(name)
                #expect(env[RuntimeContract.Environment.architecture] == architecture.name)
                #expect(env[RuntimeContract.Environment.service] == service.name)
                #expect(env[RuntimeContract.Environment.set] == instance.set.map { architecture.sets[$0].name })
                #expect(env[RuntimeContract.Environment.instance] == name)
                #expect(env[RuntimeContract.Environment.advertiseHost] == name)
                #expect(env[RuntimeContract.Environment.port] == String(RuntimeContract.containerPort))
                #expect((env[RuntimeContract.Environment.etcdEndpoints] != nil) == registry)
                #expect(container.list("ports").map { "\($0)" } == ["127.0.0.1:\(ports.port(of: instance)!):\(RuntimeContract.containerPort)"])
                let check = container.list("healthcheck", "test").map { "\($0)" }
                #expect(check.first == "CMD" && check.last?.contains("GET \(RuntimeContract.healthPath) ") == true, "\(name)")
                #expect(container.string("image") == "strata/\(architecture.name)-\(service.name):latest")
                #expect(container.bool("read_only") == true)
            }
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func gatewaysRunEnvoyWithTheirGeneratedConfig(spec: String) throws {
        typealias Variable = RuntimeContract.GatewayEnvironment
        let compose = try Compose(spec: spec)
        let architecture = compose.output.architecture
        let paths = Set(compose.output.artifacts.map(\.path))
        for gateway in architecture.gateways {
            let placement = gateway.placement
            let names = placement.isStriped ? architecture.sets.map { "\(gateway.name)-\($0.name)" } : [gateway.name]
            for (set, name) in names.enumerated() {
                let container = try #require(compose.services[name], "\(spec): no gateway \(name)")
                #expect(container.string("image") == DeploymentDefaults.envoyImage)
                // Only the listener is published: the admin interface listens inside the container only.
                let listener = try #require(LocalPorts(architecture).gatewayPort(gateway.name, set: set))
                #expect(container.list("ports").map { "\($0)" } == ["127.0.0.1:\(listener):\(GatewayContainer.listenerPort)"], "\(name)")
                let volume = try #require(container.list("volumes").first.map { "\($0)" })
                #expect(volume == "./envoy/\(name).yaml:/etc/envoy/envoy.yaml:ro")
                #expect(paths.contains("deploy/compose/envoy/\(name).yaml"))
                #expect(container.list("healthcheck", "test").count > 1)
                let env = compose.environment(name)
                switch gateway.auth?.value ?? .none {
                case .jwt: #expect(env[Variable.jwks]?.hasPrefix("${\(Variable.jwks):?") == true)
                case .apiKey: #expect(env[Variable.apiKey]?.hasPrefix("${\(Variable.apiKey):?") == true)
                case .none: #expect(env.isEmpty)
                }
                // Upstreams are the instance containers, on the container port.
                let config = try #require(compose.output.artifacts.first { $0.path == "deploy/compose/envoy/\(name).yaml" })
                let parsed = DeployObject(try #require(try Yams.load(yaml: String(decoding: config.contents, as: UTF8.self))))
                for cluster in parsed.list("static_resources", "clusters").map(DeployObject.init) {
                    for priority in cluster.list("load_assignment", "endpoints").map(DeployObject.init) {
                        for endpoint in priority.list("lb_endpoints").map(DeployObject.init) {
                            let host = endpoint.string("endpoint", "address", "socket_address", "address") ?? ""
                            #expect(compose.services[host] != nil, "\(name) routes to \(host), which compose does not run")
                            #expect(endpoint.int("endpoint", "address", "socket_address", "port_value") == RuntimeContract.containerPort)
                        }
                    }
                }
            }
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func theRegistryRunsItsDeclaredMembers(spec: String) throws {
        let compose = try Compose(spec: spec)
        let architecture = compose.output.architecture
        let members = compose.services.filter { $0.value.string("image") == DeploymentDefaults.etcdImage }
        guard let discovery = architecture.discovery, discovery.mode == .registry, discovery.engine == .etcd else {
            #expect(members.isEmpty)
            return
        }
        let instances = architecture.instances[ComponentID(.registry, "registry")] ?? []
        #expect(Set(members.keys) == Set(instances.map { RuntimeContract.instanceName($0, in: architecture) }))
        for (name, member) in members {
            let command = member.list("command").map { "\($0)" }
            #expect(command.contains("--name=\(name)"))
            #expect(member.list("healthcheck", "test").map { "\($0)" }.contains("health"))
        }
        // Services wait for a healthy registry and reach it by container name.
        for (name, container) in compose.services where compose.environment(name)[RuntimeContract.Environment.etcdEndpoints] != nil {
            let endpoints = compose.environment(name)[RuntimeContract.Environment.etcdEndpoints]!.split(separator: ",")
            for endpoint in endpoints {
                let host = endpoint.dropFirst("http://".count).split(separator: ":").first.map(String.init) ?? ""
                #expect(members[host] != nil, "\(name) registers with \(endpoint)")
                #expect(container.string("depends_on", host, "condition") == "service_healthy")
            }
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func hostPortsAreLoopbackOnlyAndDistinct(spec: String) throws {
        let compose = try Compose(spec: spec)
        var used: Set<String> = []
        for (name, container) in compose.services {
            for port in container.list("ports").map({ "\($0)" }) {
                #expect(port.hasPrefix("127.0.0.1:"), "\(name) publishes \(port) beyond loopback")
                let host = port.split(separator: ":")[1]
                #expect(used.insert(String(host)).inserted, "\(name) reuses host port \(host)")
            }
            // Every dependency is a container of the file.
            let depends = container.value["depends_on"]
            let dependencies = (depends as? [Any])?.map { "\($0)" } ?? (depends as? [String: Any]).map { Array($0.keys) } ?? []
            for dependency in dependencies { #expect(compose.services[dependency] != nil, "\(name) depends on \(dependency)") }
        }
    }

    @Test func dollarSignsInValuesAreEscapedForCompose() {
        #expect(ComposeFile.literal("a$b$$c") == "a$$b$$$$c")
        #expect(ComposeFile.required("X", "y") == "${X:?set X to y}")
    }
}
