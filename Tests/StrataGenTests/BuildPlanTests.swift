import Foundation
import StrataAnalysis
import StrataModel
import Testing
import StrataTestSupport
import Yams
@testable import StrataGen

/// The build plan that `strata up` runs from: every process it lists agrees with the files the
/// generators write (read back here, as `up` never does), and with the runtime contract.
@Suite struct BuildPlanTests {
    typealias Support = GatewayTestSupport

    static func plan(_ spec: String) throws -> (plan: BuildPlan, architecture: Architecture) {
        let architecture = try #require(try Compiler.compile(path: repositoryRoot.appendingPathComponent(spec).path).architecture)
        return (BuildPlan.make(ArchitectureAnalyses(architecture)), architecture)
    }

    @Test func shopGatewaysAreOneProxyPerSetOnTheLocalPortsWithTheirConfigFiles() throws {
        let (plan, _) = try Self.plan("specs/shop.strata")
        #expect(plan.gateways.map(\.name) == ["edge-sh-a", "edge-sh-b", "edge-hz-a"])
        #expect(plan.gateways.map(\.port) == [18000, 18002, 18004])
        #expect(plan.gateways.map(\.adminPort) == [18001, 18003, 18005])
        #expect(plan.gateways.allSatisfy { $0.engine == .envoy && $0.gateway == "edge" })
        let artifacts = try Support.build("specs/shop.strata", targets: [.envoy, .nginx])
        let paths = Set(artifacts.map(\.path))
        for proxy in plan.gateways {
            #expect(paths.contains(proxy.envoyConfig) && paths.contains(proxy.nginxConfig), "\(proxy.name)")
            #expect(proxy.config(for: .nginx) == "gateway/nginx/\(proxy.name).conf")
            #expect(proxy.developmentToken.map(paths.contains) == true)
            // The file listens where the plan says.
            let config = try #require(try Yams.load(yaml: try Support.text(artifacts, proxy.envoyConfig)) as? [String: Any])
            let admin = ((config["admin"] as? [String: Any])?["address"] as? [String: Any])?["socket_address"] as? [String: Any]
            #expect(admin?["port_value"] as? Int == proxy.adminPort)
            #expect(try Support.text(artifacts, proxy.nginxConfig).contains("listen 127.0.0.1:\(proxy.port);"))
        }
    }

    @Test func shopEtcdMembersAreWhatTheirGeneratedConfigurationsSay() throws {
        let (plan, _) = try Self.plan("specs/shop.strata")
        #expect(plan.etcdMembers.map(\.name) == ["etcd-1", "etcd-2", "etcd-3"])
        #expect(plan.etcdMembers.map(\.clientPort) == [23790, 23792, 23794])
        #expect(plan.etcdMembers.map(\.peerPort) == [23791, 23793, 23795])
        #expect(plan.etcdMembers.allSatisfy { $0.set == nil })
        #expect(plan.etcdEndpoints == ["http://127.0.0.1:23790", "http://127.0.0.1:23792", "http://127.0.0.1:23794"])
        let artifacts = try Support.build("specs/shop.strata", targets: [.registry])
        for member in plan.etcdMembers {
            let config = try #require(try Yams.load(yaml: try Support.text(artifacts, member.configFile)) as? [String: Any])
            #expect(config["name"] as? String == member.name)
            #expect(config["advertise-client-urls"] as? String == member.clientURL)
            #expect(config["listen-peer-urls"] as? String == member.peerURL)
            #expect(config["data-dir"] as? String == member.dataDirectory)
            // The services use etcd's JSON gateway, which a configuration file must turn on: it does.
            #expect(config["enable-grpc-gateway"] as? Bool == true)
        }
    }

    @Test func shopInstancesCarryTheRuntimeContractsEnvironment() throws {
        let (plan, architecture) = try Self.plan("specs/shop.strata")
        typealias Env = RuntimeContract.Environment
        let ports = LocalPorts(architecture)
        var expected: [String] = []
        for component in architecture.components where component.kind == .service {
            for instance in architecture.instances[component] ?? [] {
                expected.append(RuntimeContract.instanceName(instance, in: architecture))
                let planned = try #require(plan.instances.first { $0.name == expected.last })
                #expect(planned.port == ports.port(of: instance))
            }
        }
        #expect(plan.instances.map(\.name) == expected)
        #expect(plan.instances.map(\.port) == Array(20000..<20015))
        let first = try #require(plan.instances.first)
        #expect(first.name == "orders-sh-a-1" && first.service == "orders" && first.set == "sh-a" && first.executable == "orders")
        #expect(first.url == "http://127.0.0.1:20000")
        #expect(first.environment == [
            Env.architecture: "shop", Env.service: "orders", Env.set: "sh-a", Env.instance: "orders-sh-a-1",
            Env.host: "127.0.0.1", Env.advertiseHost: "127.0.0.1", Env.port: "20000",
            Env.etcdEndpoints: plan.etcdEndpoints.joined(separator: ","), Env.leaseTTL: "5",
        ])
        #expect(plan.executables == ["orders", "users"])
        #expect(try ServicesPlan(architecture).executables.map(\.product) == plan.executables)
    }

    @Test func aRegistryPlacedPerSetGivesEachSetItsOwnClusterAndAMonolithOneExecutable() throws {
        let (plan, architecture) = try Self.plan("specs/hr.strata")
        #expect(plan.etcdMembers.map(\.name) == ["etcd-eu-1", "etcd-eu-2", "etcd-eu-3", "etcd-us-1", "etcd-us-2", "etcd-us-3"])
        #expect(plan.etcdMembers.map(\.set) == ["eu", "eu", "eu", "us", "us", "us"])
        #expect(plan.etcdEndpoints(forSet: "us") == ["http://127.0.0.1:23796", "http://127.0.0.1:23798", "http://127.0.0.1:23800"])
        for instance in plan.instances {
            let cluster = plan.etcdMembers.filter { $0.set == instance.set }.map(\.clientURL).joined(separator: ",")
            #expect(instance.environment[RuntimeContract.Environment.etcdEndpoints] == cluster, "\(instance.name)")
            #expect(instance.executable == "hr")
        }
        #expect(plan.executables == ["hr"])
        #expect(try ServicesPlan(architecture).executables.map(\.product) == plan.executables)
        #expect(plan.gateways.map(\.name) == ["web-eu", "web-us"])
        #expect(plan.gateways.allSatisfy { $0.developmentToken == "gateway/envoy/dev-token.jwt" })
    }

    @Test func withoutEtcdInstancesHaveNoRegistryAndGatewaysKeepTheirEngine() throws {
        let (plan, _) = try Self.plan("specs/campus.strata")
        #expect(plan.etcdMembers.isEmpty)
        #expect(plan.instances.allSatisfy { $0.environment[RuntimeContract.Environment.etcdEndpoints] == "" })
        #expect(plan.gateways.map(\.name) == ["portal-main", "screens-main"])
        #expect(plan.gateways.allSatisfy { $0.engine == .nginx && $0.developmentToken == nil })
    }

}
