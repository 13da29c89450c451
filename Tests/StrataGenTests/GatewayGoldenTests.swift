import Foundation
import StrataModel
import StrataRules
import StrataSyntax
import StrataTestSupport
import Testing
import StrataDriver
@testable import StrataGen

/// Shared by the gateway, registry and report tests: compiling specs, running generators, tools.
enum GatewayTestSupport {
    static let goldens = repositoryRoot.appendingPathComponent("Tests/StrataGenTests/Goldens")
    /// The targets these tests cover, and the golden folders they own.
    static let targets: Set<BuildTarget> = [.envoy, .nginx, .registry, .report]
    static let goldenFolders = ["gateway", "registry", "report"]
    /// Not compared whole-file: the SARIF log lists every rule and catalogue entry, so it changes with each
    /// new rule; ReportGeneratorTests checks its structure and scripts/ci.d/20-gateways.sh its schema.
    static let notGolden: Set<String> = ["report/check.sarif"]
    /// `specs/*.strata`, relative to the repository; throws when the folder cannot be read or is empty.
    static func specs() throws -> [String] {
        try strataFiles(in: "specs")
    }

    /// Every artifact of `targets` for a spec of the repository, compiled under its relative path (as
    /// `strata build specs/x.strata` run from the repository would), so reports name relative files.
    static func build(_ specPath: String, targets: Set<BuildTarget> = targets) throws -> [Artifact] {
        let root = repositoryRoot.path
        let compilation = try Compiler.compile(path: specPath, read: { try SpecLoader.readFile(root + "/" + $0) })
        let checked = Pipeline.check(compilation)
        return try BuildPipeline(targets: targets).artifacts(for: checked, specPath: specPath)
    }

    /// Every artifact of `targets` for an in-memory spec (which must compile; rule errors are allowed).
    static func build(text: String, path: String = "test.strata", targets: Set<BuildTarget> = targets) throws -> [Artifact] {
        let compilation = Compiler.compile(text: text, path: path)
        #expect(!compilation.hasErrors, "\(compilation.diagnostics.map(\.message))")
        return try BuildPipeline(targets: targets).artifacts(for: Pipeline.check(compilation), specPath: path)
    }

    static func text(_ artifacts: [Artifact], _ path: String) throws -> String {
        String(decoding: try #require(artifacts.first { $0.path == path }, "no artifact \(path)").contents, as: UTF8.self)
    }

    /// A spec with one gateway over two sets, for focused tests. `gateway` and `services` are inserted as written.
    static func spec(description: String = "test", sets: String = "stripe idc\n    failover nearest", gateway: String, services: String,
                     discovery: String = "mode registry\n    engine etcd\n    replicas 3 across idc") -> String {
        """
        architecture t {
          description "\(description)"
          topology {
            region r { city c { idc a { racks 2 }; idc b { racks 2 } } }
          }
          sets {
            \(sets)
          }
          discovery {
            \(discovery)
          }
          \(gateway)
          \(services)
        }
        """
    }

    // MARK: Tools

    /// The tool, or nil when it is absent and tools are not required (the test then returns early);
    /// records a failure when it is absent but required (see ``ExternalTool/required``).
    static func requireTool(_ name: String) -> String? {
        if let path = ExternalTool.path(of: name) { return path }
        if ExternalTool.required { Issue.record("\(name) is not installed, and tools are required (CI or \(ExternalTool.requireVariable)=1)") }
        return nil
    }

    /// Runs a process to completion (killed after `timeout` seconds); returns its status and combined output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                    timeout: Double = 60) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("strata-gw-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        stop(process)
        try handle.close()
        let output = String(decoding: (FileManager.default.contents(atPath: log.path) ?? Data()), as: UTF8.self)
        return (process.terminationStatus, output)
    }

    /// Stops a process: SIGTERM, then SIGKILL after 2 seconds. (Children of a test process inherit its blocked
    /// signals, so some, such as Envoy, never see the SIGTERM.)
    static func stop(_ process: Process) {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A fresh temporary folder.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("strata-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes artifacts under `directory` (as the output writer would, without its manifest).
    static func write(_ artifacts: [Artifact], to directory: URL) throws {
        for artifact in artifacts {
            let url = directory.appendingPathComponent(artifact.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(artifact.contents).write(to: url)
            if artifact.executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
        }
    }
}

/// The `envoy`, `nginx`, `registry` and `report` output for specs/shop.strata, compared whole-file with
/// Tests/StrataGenTests/Goldens/<path>. After an intended change, re-record with
/// `STRATA_RECORD=1 swift test --filter GatewayGoldenTests` (the run still fails, so recording is never
/// silent) and review the diff.
@Suite struct GatewayGoldenTests {
    static let specPath = "specs/shop.strata"

    @Test func shopMatchesTheGoldens() throws {
        let artifacts = try GatewayTestSupport.build(Self.specPath)
        let files = artifacts.filter { !GatewayTestSupport.notGolden.contains($0.path) }.map { ($0.path, $0.contents) }
        try GoldenFiles.compare(files, goldens: GatewayTestSupport.goldens, folders: GatewayTestSupport.goldenFolders)
    }

    @Test func shopHasTheExpectedFiles() throws {
        let paths = try GatewayTestSupport.build(Self.specPath).map(\.path).sorted()
        #expect(paths == [
            "gateway/envoy/dev-token.jwt", "gateway/envoy/edge-hz-a.yaml", "gateway/envoy/edge-sh-a.yaml", "gateway/envoy/edge-sh-b.yaml",
            "gateway/envoy/jwks.json",
            "gateway/nginx/edge-hz-a.conf", "gateway/nginx/edge-sh-a.conf", "gateway/nginx/edge-sh-b.conf",
            "registry/etcd/etcd-1.conf.yaml", "registry/etcd/etcd-2.conf.yaml", "registry/etcd/etcd-3.conf.yaml",
            "registry/etcd/layout.md", "registry/etcd/start.sh",
            "report/check.json", "report/check.sarif",
        ])
    }

    @Test(arguments: try GatewayTestSupport.specs())
    func outputIsDeterministic(spec: String) throws {
        let first = try GatewayTestSupport.build(spec)
        let second = try GatewayTestSupport.build(spec)
        #expect(!first.isEmpty)
        #expect(first == second)
    }

    @Test(arguments: try GatewayTestSupport.specs())
    func everyTextFileSaysItIsGenerated(spec: String) throws {
        for artifact in try GatewayTestSupport.build(spec) {
            #expect(artifact.ownership == .generated, "\(artifact.path)")
            let text = String(decoding: artifact.contents, as: UTF8.self)
            let header = "generated by strata from \(spec) — do not edit"
            switch (artifact.path as NSString).pathExtension {
            case "yaml", "conf": #expect(text.hasPrefix("# " + header + "\n"), "\(artifact.path)")
            case "sh": #expect(text.hasPrefix("#!/usr/bin/env bash\n# " + header + "\n"), "\(artifact.path)")
            case "md": #expect(text.hasPrefix("<!-- " + header + " -->\n"), "\(artifact.path)")
            case "json" where artifact.path.hasPrefix("registry/") || artifact.path.hasSuffix("jwks.json"):
                #expect(text.contains(header), "\(artifact.path)")
            default: break  // SARIF/JSON reports and the token have no place for a header
            }
        }
    }
}
