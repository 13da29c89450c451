import Foundation
import Subprocess
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs a built architecture on this machine: compiles the services, starts the registry,
/// every instance and every gateway in dependency order, waits for each to be ready, writes
/// `run/state.json`, then supervises until a stop signal and stops everything in order.
public struct UpSession: Sendable {
    /// How a run ended.
    public enum Outcome: Equatable, Sendable {
        /// Stopped by a signal (Ctrl-C, SIGTERM, SIGHUP, `strata down`).
        case stopped
        /// Something failed to build or start; everything started was stopped.
        case failed(String)
    }

    public let plan: UpPlan
    /// Seconds to wait for each group of components to become ready.
    public let startTimeout: Int
    public let build: Bool
    public let release: Bool
    /// Progress lines ("starting 15 service instances").
    public let say: @Sendable (String) -> Void

    public init(plan: UpPlan, startTimeout: Int, build: Bool, release: Bool, say: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.startTimeout = startTimeout
        self.build = build
        self.release = release
        self.say = say
    }

    /// Runs until `signals` asks to stop. `show` receives the table once everything is up.
    public func run(signals: StopSignals, show: @Sendable (String) -> Void) async -> Outcome {
        if build {
            say("swift build of \(plan.servicesPackage.path) (the first build takes a few minutes)")
            let status = await Self.runForeground(["swift", "build", "--package-path", plan.servicesPackage.path,
                                                   "--scratch-path", plan.scratch.path] + (release ? ["-c", "release"] : []))
            if signals.stopRequested { return .stopped }
            guard status == 0 else { return .failed("swift build failed (exit \(status))") }
        }
        for executable in plan.executables where !FileManager.default.isExecutableFile(atPath: executable.path) {
            return .failed("\(executable.path) does not exist; run without --no-build")
        }
        let busy = plan.all.flatMap { [$0.port, $0.probePort] }.filter { !HealthProbe.isFree(port: $0) }
        if !busy.isEmpty {
            return .failed("loopback ports already in use (another `strata up`? `strata down` stops it): "
                + Set(busy).sorted().map(String.init).joined(separator: ", "))
        }
        let supervisor: Supervisor
        do {
            supervisor = try await Supervisor()
        } catch {
            return .failed("\(error)")
        }
        let probe = HealthProbe()
        do {
            try? FileManager.default.removeItem(at: plan.etcdData)
            try FileManager.default.createDirectory(at: plan.etcdData, withIntermediateDirectories: true)
            try await start(plan.etcd, "etcd members", supervisor, probe, signals)
            try await start(plan.instances, "service instances", supervisor, probe, signals)
            if !plan.etcd.isEmpty { try await waitForRegistration(probe, signals) }
            try await start(plan.gateways, "gateways", supervisor, probe, signals)
            let state = RunState(architecture: plan.architecture.name, work: plan.work.path, strataPID: getpid(),
                                 processGroup: supervisor.processGroup, etcdEndpoints: plan.build.etcdEndpoints, running: await supervisor.processes)
            try state.encoded().write(to: plan.run.appendingPathComponent("state.json"), options: .atomic)
        } catch {
            await supervisor.stopAll()
            if error is StopRequested { return .stopped }
            return .failed("\(error)")
        }
        show(plan.table(await supervisor.processes))
        while !signals.stopRequested {
            for exited in await supervisor.takeExits() {
                say("\(exited.process.name) exited (\(exited.status)); its log: \(exited.process.log)")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        say("stopping")
        await supervisor.stopAll()
        try? FileManager.default.removeItem(at: plan.run.appendingPathComponent("state.json"))
        say("stopped")
        return .stopped
    }

    /// Starts `processes` and waits until each answers its readiness probe.
    private func start(_ processes: [ManagedProcess], _ what: String, _ supervisor: Supervisor, _ probe: HealthProbe,
                       _ signals: StopSignals) async throws {
        guard !processes.isEmpty else { return }
        say("starting \(processes.count) \(what)")
        for process in processes { _ = try await supervisor.launch(process) }
        let deadline = ContinuousClock.now + .seconds(startTimeout)
        var waiting = processes
        while !waiting.isEmpty {
            if signals.stopRequested { throw StopRequested() }
            if let exited = await supervisor.takeExits().first {
                throw RunError("\(exited.process.name) exited during startup (\(exited.status)); last lines of \(exited.process.log):\n"
                    + UpPlan.tail(exited.process.log, lines: 15))
            }
            var still: [ManagedProcess] = []
            for process in waiting where await probe.status(port: process.probePort, path: process.probePath) != 200 {
                still.append(process)
            }
            waiting = still
            if waiting.isEmpty { break }
            if ContinuousClock.now > deadline {
                throw RunError("not ready after \(startTimeout)s: \(waiting.map(\.name).joined(separator: ", "))")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits until every instance is registered in etcd.
    private func waitForRegistration(_ probe: HealthProbe, _ signals: StopSignals) async throws {
        let expected = plan.instances.count
        let deadline = ContinuousClock.now + .seconds(startTimeout)
        var registered = 0
        while true {
            if signals.stopRequested { throw StopRequested() }
            registered = await registeredInstances(probe) ?? 0
            if registered >= expected { break }
            if ContinuousClock.now > deadline {
                throw RunError("only \(registered) of \(expected) instances registered in etcd after \(startTimeout)s")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        say("registry: \(registered) instances registered under /strata/\(plan.architecture.name)/")
    }

    /// How many instances are registered under `/strata/<architecture>/`, over every cluster (nil when one does not answer).
    func registeredInstances(_ probe: HealthProbe) async -> Int? {
        var total = 0
        var clusters: [String?] = []
        for member in plan.build.etcdMembers where !clusters.contains(member.set) { clusters.append(member.set) }
        for cluster in clusters {
            guard let member = plan.build.etcdMembers.first(where: { $0.set == cluster }) else { return nil }
            let prefix = Array("/strata/\(plan.architecture.name)/".utf8)
            var end = prefix
            end[end.count - 1] += 1
            let query: [String: Any] = ["key": Data(prefix).base64EncodedString(), "range_end": Data(end).base64EncodedString(), "count_only": true]
            guard let body = try? JSONSerialization.data(withJSONObject: query),
                  let answer = await probe.request(port: member.clientPort, path: "/v3/kv/range", method: "POST", body: body),
                  answer.status == 200,
                  let object = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any] else { return nil }
            total += (object["count"] as? String).flatMap { Int($0) } ?? (object["count"] as? Int) ?? 0
        }
        return total
    }

    /// Runs a command in strata's own process group with the terminal's output, and waits for it.
    public static func runForeground(_ arguments: [String]) async -> Int32 {
        do {
            let result = try await Subprocess.run(
                .name(arguments[0]), arguments: Arguments(Array(arguments.dropFirst())),
                input: .none, output: .fileDescriptor(.standardOutput, closeAfterSpawningProcess: false),
                error: .fileDescriptor(.standardError, closeAfterSpawningProcess: false))
            switch result.terminationStatus {
            case .exited(let code): return code
            case .signaled(let signal): return 128 + signal
            }
        } catch {
            return 127
        }
    }
}

/// A stop signal arrived while starting.
struct StopRequested: Error {}
