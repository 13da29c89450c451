import Foundation
import StrataModel
import Testing
import StrataTestSupport
import Yams
import StrataAnalysis
import StrataDriver
@testable import StrataGen

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The generated gateway configurations checked by the real proxies: `envoy --mode validate` and
/// `nginx -t` on every config of every spec, and both proxies run on the nasty-path spec to show that
/// every route matches exactly its prefix and that authentication is enforced.
///
/// A test whose tool is missing returns early, unless `STRATA_REQUIRE_TOOLS=1` (set by
/// scripts/ci.d/20-gateways.sh after installing the tools): then it fails.
@Suite(.serialized) struct GatewayToolTests {
    typealias Support = GatewayTestSupport

    // MARK: Validation

    @Test(arguments: try GatewayTestSupport.specs())
    func envoyAcceptsEveryConfig(spec: String) throws {
        guard let envoy = Support.requireTool("envoy") else { return }
        try Self.envoyValidates(try Support.build(spec, targets: [.envoy]), envoy: envoy)
    }

    @Test(arguments: try GatewayTestSupport.specs())
    func nginxAcceptsEveryConfig(spec: String) throws {
        guard let nginx = Support.requireTool("nginx") else { return }
        try Self.nginxValidates(try Support.build(spec, targets: [.nginx]), nginx: nginx)
    }

    @Test func envoyAndNginxAcceptTheNastySpec() throws {
        let artifacts = try Support.build(text: EnvoyConfigTests.nastySpec, path: "specs/we\"ird\n# path.strata", targets: [.envoy, .nginx])
        if let envoy = Support.requireTool("envoy") { try Self.envoyValidates(artifacts, envoy: envoy) }
        if let nginx = Support.requireTool("nginx") { try Self.nginxValidates(artifacts, nginx: nginx) }
    }

    /// The Envoy configurations the deployment targets deploy (compose's `envoy/*.yaml` and the
    /// `envoy.yaml` of every Kubernetes ConfigMap), validated as Envoy reads them in a container: with
    /// the secrets' environment variables set (Envoy refuses a JWT provider whose variable is unset).
    @Test(arguments: try GatewayTestSupport.specs())
    func envoyAcceptsEveryDeployedConfig(spec: String) throws {
        guard let envoy = Support.requireTool("envoy") else { return }
        let artifacts = try Support.build(spec, targets: [.k8s, .compose])
        var configs = artifacts.filter { $0.path.hasPrefix("deploy/compose/envoy/") }
            .map { ($0.path, String(decoding: $0.contents, as: UTF8.self)) }
        for artifact in artifacts where artifact.path.hasPrefix("deploy/k8s/") {
            for case let object as [String: Any] in try Yams.load_all(yaml: String(decoding: artifact.contents, as: UTF8.self)) {
                guard object["kind"] as? String == "ConfigMap", let text = (object["data"] as? [String: Any])?["envoy.yaml"] as? String else { continue }
                configs.append(("\(artifact.path) ConfigMap \((object["metadata"] as? [String: Any])?["name"] ?? "")", text))
            }
        }
        let gateways = try #require(Compiler.compile(path: repositoryRoot.appendingPathComponent(spec).path).architecture).gateways
        #expect(configs.count >= 2 * gateways.count, "\(spec): \(configs.map(\.0))")
        try Self.envoyValidates(configs, envoy: envoy, environment: Self.deployedSecrets)
    }

    /// Values for the secrets a deployed gateway reads from its environment.
    static let deployedSecrets = [RuntimeContract.GatewayEnvironment.jwks: DevCredentials.jwks(),
                                  RuntimeContract.GatewayEnvironment.apiKey: "a-deployed-key"]

    /// `envoy --mode validate` on each configuration text.
    static func envoyValidates(_ configs: [(name: String, text: String)], envoy: String, environment: [String: String]) throws {
        let dir = try Support.temporaryDirectory("envoy-deployed")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (index, config) in configs.enumerated() {
            let file = dir.appendingPathComponent("\(index).yaml")
            try Data(config.text.utf8).write(to: file)
            let result = try Support.run(envoy, ["--mode", "validate", "-c", file.path], environment: environment, timeout: 120)
            #expect(result.status == 0 && result.output.contains("OK"), "envoy rejects \(config.name):\n\(result.output.suffix(2000))")
        }
    }

    static func envoyValidates(_ artifacts: [Artifact], envoy: String) throws {
        let dir = try Support.temporaryDirectory("envoy")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Support.write(artifacts, to: dir)
        let configs = artifacts.map(\.path).filter { $0.hasSuffix(".yaml") }
        #expect(!configs.isEmpty)
        for config in configs {
            let result = try Support.run(envoy, ["--mode", "validate", "-c", dir.appendingPathComponent(config).path], timeout: 120)
            #expect(result.status == 0 && result.output.contains("OK"), "envoy rejects \(config):\n\(result.output.suffix(2000))")
        }
    }

    static func nginxValidates(_ artifacts: [Artifact], nginx: String) throws {
        let dir = try Support.temporaryDirectory("nginx")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Support.write(artifacts, to: dir)
        let configs = artifacts.map(\.path).filter { $0.hasSuffix(".conf") }
        #expect(!configs.isEmpty)
        for config in configs {
            let prefix = try Support.temporaryDirectory("nginx-prefix")
            defer { try? FileManager.default.removeItem(at: prefix) }
            let result = try Support.run(nginx, ["-t", "-p", prefix.path, "-c", dir.appendingPathComponent(config).path, "-e", "stderr"])
            #expect(result.status == 0 && result.output.contains("test is successful"), "nginx rejects \(config):\n\(result.output)")
        }
    }

    // MARK: Running

    /// A local proxy's plan and its ports.
    struct LocalProxy {
        let plan: GatewayPlan
        let port: Int
        let adminPort: Int

        var envoy: String {
            get throws {
                try EnvoyConfigEmitter(plan: plan, deployment: .local(port: port, adminPort: adminPort, stem: plan.stem), header: "test").text()
            }
        }
        var nginx: String {
            get throws { try NginxConfigEmitter(plan: plan, port: port, adminPort: adminPort, header: "test").text() }
        }

        /// The Envoy configuration as the deployment targets render it (secrets from the environment, a health
        /// listener), on this proxy's loopback ports.
        func deployedEnvoy(healthPort: Int) throws -> String {
            let deployment = EnvoyDeployment(
                purpose: "for a test", listener: SocketAddress("127.0.0.1", port), admin: SocketAddress("127.0.0.1", adminPort),
                healthListener: SocketAddress("127.0.0.1", healthPort), credentials: .environment, upstreamsNote: "upstreams nowhere", runNote: nil)
            return try EnvoyConfigEmitter(plan: plan, deployment: deployment, header: "test").text()
        }
    }

    /// The nasty spec's gateway for set `a`, moved to free ports (listener, admin, upstreams nobody listens on),
    /// so it can run beside anything else on this machine.
    static func relocatedNastyPlan(rateLimitPerSecond: Double? = nil, auth: AuthMode? = nil) throws -> LocalProxy {
        let compilation = Compiler.compile(text: EnvoyConfigTests.nastySpec)
        let architecture = try #require(compilation.architecture)
        let plan = try #require(try BuildPlan.make(ArchitectureAnalyses(architecture)).localGateways.get().first)
        let upstreams = plan.upstreams.map { upstream in
            UpstreamPlan(cluster: upstream.cluster, services: upstream.services,
                         tiers: upstream.tiers.map { $0.map { UpstreamEndpoint(instance: $0.instance, host: $0.host, port: freePort()) } },
                         hashHeader: upstream.hashHeader)
        }
        let relocated = GatewayPlan(architecture: plan.architecture, description: plan.description, gateway: plan.gateway, set: plan.set,
                                    routes: plan.routes, upstreams: upstreams, resolution: plan.resolution,
                                    auth: auth ?? plan.auth, rateLimitPerSecond: rateLimitPerSecond)
        return LocalProxy(plan: relocated, port: freePort(), adminPort: freePort())
    }

    /// Requests through a running proxy: each prefix (in every form a client may send) reaches its route, which
    /// answers `routed` because no upstream listens; other paths get 404; without a token, 401.
    static func probe(port: Int, routed: Int, curl: String) throws {
        let token = "Authorization: Bearer " + DevCredentials.jwtToken
        func status(_ path: String, auth: Bool = true) throws -> String {
            var arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--globoff", "--path-as-is", "--max-time", "10"]
            if auth { arguments += ["-H", token] }
            return try Support.run(curl, arguments + ["http://127.0.0.1:\(port)\(path)"]).output
        }
        for prefix in EnvoyConfigTests.nastyPrefixes {
            for form in EnvoyConfigEmitter.wirePrefixes(prefix) {
                #expect(try status(form + "/1") == String(routed), "\(form)")
            }
        }
        #expect(try status("/nowhere") == "404")
        // Both proxies route the normalized path: dot segments resolved, doubled slashes merged.
        let first = EnvoyConfigEmitter.wirePrefixes(EnvoyConfigTests.nastyPrefixes[0])[0]
        #expect(try status("/nowhere/.." + first + "/1") == String(routed))
        #expect(try status("/" + first + "//1") == String(routed))
        #expect(try status("/a$") == "404")  // a strict prefix of a route's prefix is not that route
        #expect(try status(EnvoyConfigEmitter.wirePrefixes(EnvoyConfigTests.nastyPrefixes[0])[0], auth: false) == "401")
    }

    @Test func envoyRoutesEveryNastyPrefixAndChecksTokens() throws {
        guard let envoy = Support.requireTool("envoy"), let curl = Support.requireTool("curl") else { return }
        let plan = try Self.relocatedNastyPlan()
        let dir = try Support.temporaryDirectory("envoy-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("g.yaml")
        try Data(try plan.envoy.utf8).write(to: config)
        try Self.running(envoy, ["-c", config.path, "--disable-hot-restart", "-l", "warning"], ready: "http://127.0.0.1:\(plan.adminPort)/ready", curl: curl) {
            try Self.probe(port: plan.port, routed: 503, curl: curl)
            // Envoy's edge settings, with a real Envoy: a header name with `_` is refused (an upstream
            // may read it as `-`, and nginx drops it).
            let path = EnvoyConfigEmitter.wirePrefixes(EnvoyConfigTests.nastyPrefixes[0])[0] + "/1"
            func status(_ path: String, _ headers: [String] = []) throws -> String {
                try Support.run(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--globoff", "--path-as-is", "--max-time", "10",
                                       "-H", "Authorization: Bearer " + DevCredentials.jwtToken] + headers.flatMap { ["-H", $0] }
                                + ["http://127.0.0.1:\(plan.port)\(path)"]).output
            }
            #expect(try status(path, ["x_user_id: 1"]) == "400")
            #expect(try status(path, ["x-user-id: 1"]) == "503")
        }
    }

    /// The deployed rendering's secrets come from the environment: a token signed by a key of the JWKS in
    /// `STRATA_GATEWAY_JWKS` passes, none gets 401; `x-api-key` must equal `STRATA_GATEWAY_API_KEY`; the health
    /// listener answers `/ready`.
    @Test func deployedEnvoyReadsItsSecretsFromTheEnvironment() throws {
        guard let envoy = Support.requireTool("envoy"), let curl = Support.requireTool("curl") else { return }
        let dir = try Support.temporaryDirectory("envoy-deployed-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        func status(_ port: Int, _ headers: [String]) throws -> String {
            let path = EnvoyConfigEmitter.wirePrefixes(EnvoyConfigTests.nastyPrefixes[0])[0] + "/1"
            return try Support.run(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--globoff", "--path-as-is", "--max-time", "10"]
                                   + headers.flatMap { ["-H", $0] } + ["http://127.0.0.1:\(port)\(path)"]).output
        }
        func check(_ port: Int, _ auth: AuthMode) throws {
            let good = auth == .jwt ? "Authorization: Bearer " + DevCredentials.jwtToken : "x-api-key: a-deployed-key"
            let bad = auth == .jwt ? "Authorization: Bearer x.y.z" : "x-api-key: " + DevCredentials.apiKey
            #expect(try status(port, [good]) == "503", "\(auth)")  // routed: no upstream listens
            #expect(try status(port, [bad]) == "401", "\(auth)")
            #expect(try status(port, []) == "401", "\(auth)")
        }
        for auth in [AuthMode.jwt, .apiKey] {
            let proxy = try Self.relocatedNastyPlan(auth: auth)
            let health = Self.freePort()
            let config = dir.appendingPathComponent("\(auth.rawValue).yaml")
            try Data(try proxy.deployedEnvoy(healthPort: health).utf8).write(to: config)
            try Self.running(envoy, ["-c", config.path, "--disable-hot-restart", "-l", "warning"], environment: Self.deployedSecrets,
                             ready: "http://127.0.0.1:\(health)\(EnvoyDeployment.readyPath)", curl: curl) {
                try check(proxy.port, auth)
            }
        }
    }

    @Test func nginxRoutesEveryNastyPrefixAndRequiresABearerToken() throws {
        guard let nginx = Support.requireTool("nginx"), let curl = Support.requireTool("curl") else { return }
        let plan = try Self.relocatedNastyPlan()
        let dir = try Support.temporaryDirectory("nginx-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("g.conf")
        try Data(try plan.nginx.utf8).write(to: config)
        try Self.running(nginx, ["-p", dir.path, "-c", config.path, "-e", "stderr"], ready: "http://127.0.0.1:\(plan.adminPort)/ready", curl: curl) {
            try Self.probe(port: plan.port, routed: 502, curl: curl)
        }
    }

    @Test func envoyAndNginxLimitTheRate() throws {
        guard let curl = Support.requireTool("curl") else { return }
        let dir = try Support.temporaryDirectory("rate")
        defer { try? FileManager.default.removeItem(at: dir) }
        /// 40 requests to a route in one curl (one connection): at 10/s with bursts of 10, most are refused with
        /// 429, the others reach the route (which answers `routed`: no upstream listens).
        func burst(_ port: Int, routed: String) throws {
            let path = EnvoyConfigEmitter.wirePrefixes(EnvoyConfigTests.nastyPrefixes[0])[0] + "/1"
            let requests = (0..<40).flatMap { _ in ["-o", "/dev/null", "http://127.0.0.1:\(port)\(path)"] }
            let codes = try Support.run(curl, ["-s", "--globoff", "--path-as-is", "-w", "%{http_code}\n",
                                               "-H", "Authorization: Bearer " + DevCredentials.jwtToken] + requests)
                .output.split(separator: "\n")
            #expect(codes.count == 40)
            #expect(codes.filter { $0 == "429" }.count >= 20, "\(codes)")
            #expect(codes.contains { $0 == routed }, "\(codes)")
        }
        if let envoy = Support.requireTool("envoy") {
            let plan = try Self.relocatedNastyPlan(rateLimitPerSecond: 10)
            let config = dir.appendingPathComponent("g.yaml")
            try Data(try plan.envoy.utf8).write(to: config)
            try Self.running(envoy, ["-c", config.path, "--disable-hot-restart", "-l", "warning"], ready: "http://127.0.0.1:\(plan.adminPort)/ready", curl: curl) {
                try burst(plan.port, routed: "503")
            }
        }
        if let nginx = Support.requireTool("nginx") {
            let plan = try Self.relocatedNastyPlan(rateLimitPerSecond: 10)
            let config = dir.appendingPathComponent("g.conf")
            try Data(try plan.nginx.utf8).write(to: config)
            try Self.running(nginx, ["-p", dir.path, "-c", config.path, "-e", "stderr"], ready: "http://127.0.0.1:\(plan.adminPort)/ready", curl: curl) {
                try burst(plan.port, routed: "502")
            }
        }
    }

    /// Runs `body` while the process runs (once `ready` answers 200), then stops the process.
    static func running(_ executable: String, _ arguments: [String], environment: [String: String] = [:], ready: String, curl: String,
                        _ body: () throws -> Void) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("strata-gw-run-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer {
            GatewayTestSupport.stop(process)
            try? handle.close()
        }
        let deadline = Date().addingTimeInterval(30)
        var up = false
        while Date() < deadline && process.isRunning {
            if try Support.run(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", ready]).output == "200" { up = true; break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let output = { String(decoding: FileManager.default.contents(atPath: log.path) ?? Data(), as: UTF8.self) }
        try #require(up, "\(executable) did not become ready:\n\(output().suffix(3000))")
        try body()
    }

    /// A loopback TCP port that was free a moment ago.
    static func freePort() -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : 0
    }
}
