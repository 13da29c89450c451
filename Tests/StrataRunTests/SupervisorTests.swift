import Foundation
import StrataRun
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The supervisor with real processes: every child in the watchdog's group, stopped in order,
/// exits reported, and nothing left behind.
@Suite struct SupervisorTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-supervisor-\(UUID().uuidString)").path

    func process(_ name: String, _ kind: ManagedProcess.Kind, _ arguments: [String]) -> ManagedProcess {
        ManagedProcess(kind: kind, name: name, set: nil, arguments: arguments, environment: ["STRATA_TEST": name], workingDirectory: folder,
                       log: "\(folder)/logs/\(name).log", url: "", probePort: 0, probePath: "/", port: 0, note: "")
    }

    static func alive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }

    @Test func childrenJoinTheWatchdogsGroupAndStopInOrder() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let supervisor = try await Supervisor()
        let group = supervisor.processGroup
        let registry = try await supervisor.launch(process("registry", .registry, ["sleep", "60"]))
        let gateway = try await supervisor.launch(process("gateway", .gateway, ["/bin/sh", "-c", "echo started $STRATA_TEST; exec sleep 60"]))
        #expect(getpgid(registry.pid) == group)
        #expect(getpgid(gateway.pid) == group)
        #expect(group != getpgrp())
        #expect(await supervisor.processes.map(\.process.name) == ["registry", "gateway"])
        // Wait (bounded) until the gateway has written its line, so that stopping cannot race it.
        let log = "\(folder)/logs/gateway.log"
        for _ in 0..<200 where (try? String(contentsOfFile: log, encoding: .utf8)) != "started gateway\n" {
            try await Task.sleep(for: .milliseconds(50))
        }
        await supervisor.stopAll(grace: .seconds(5))
        #expect(!Self.alive(registry.pid))
        #expect(!Self.alive(gateway.pid))
        #expect(!Self.alive(group))
        #expect(await supervisor.takeExits().isEmpty)
        #expect(try String(contentsOfFile: "\(folder)/logs/gateway.log", encoding: .utf8) == "started gateway\n")
    }

    @Test func aChildThatExitsOnItsOwnIsReported() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let supervisor = try await Supervisor()
        _ = try await supervisor.launch(process("short", .service, ["/bin/sh", "-c", "exit 3"]))
        var exits: [(process: ManagedProcess, status: String)] = []
        for _ in 0..<100 where exits.isEmpty {
            exits = await supervisor.takeExits()
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(exits.map(\.process.name) == ["short"])
        #expect(exits.map(\.status) == ["exit status 3"])
        #expect(await supervisor.processes.isEmpty)
        await supervisor.stopAll()
    }

    @Test func aCommandThatDoesNotExistIsAnError() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let supervisor = try await Supervisor()
        await #expect(throws: RunError.self) { try await supervisor.launch(process("missing", .service, ["strata-no-such-command"])) }
        await supervisor.stopAll()
    }

    /// What `strata down` relies on: a state file, and SIGKILL to the group when the supervisor is gone.
    @Test func theStateFileRoundTrips() throws {
        let running = [RunningProcess(process: process("a", .service, ["x"]), pid: 42)]
        let state = RunState(architecture: "shop", work: "/w", strataPID: 7, processGroup: 9, etcdEndpoints: ["http://127.0.0.1:1"], running: running)
        let text = String(decoding: try state.encoded(), as: UTF8.self)
        #expect(text.contains("\"process_group\" : 9"))
        #expect(text.contains("\"strata_pid\" : 7"))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try state.encoded().write(to: URL(fileURLWithPath: "\(folder)/state.json"))
        #expect(try RunState.read("\(folder)/state.json") == state)
    }

    /// A state file left by a run killed long ago: its pids may belong to other processes now.
    /// `strata down` signals a pid only while its start time is the one recorded.
    @Test func aStaleStateFileSignalsNoStranger() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Started by a supervisor, so that it has default signal handling (a child of the test
        // process would inherit the runner's blocked signals).
        let supervisor = try await Supervisor()
        let pid = try await supervisor.launch(process("stranger", .service, ["sleep", "30"])).pid
        let started = try #require(ProcessIdentity.startTime(of: pid))
        #expect(ProcessIdentity.matches(pid, started: started))
        // The same pid, recorded with another start time: a stranger.
        let json = """
            {"architecture": "shop", "work": "/w", "strata_pid": \(pid), "strata_start": \(started + 1),
             "process_group": \(pid), "process_group_start": \(started + 1), "etcd_endpoints": [], "processes": []}
            """
        let stale = try JSONDecoder().decode(RunState.self, from: Data(json.utf8))
        #expect(await RunStopper.stop(stale, timeout: .seconds(1)) == .killedLeftovers)
        #expect(Self.alive(pid), "strata down signalled a process that only reuses a recorded pid")
        // Recorded with its own start time, the supervisor is asked to stop (SIGTERM).
        let current = RunState(architecture: "shop", work: "/w", strataPID: pid, processGroup: 0, etcdEndpoints: [], running: [])
        #expect(await RunStopper.stop(current, timeout: .seconds(5)) == .stoppedBySupervisor)
        var exits: [(process: ManagedProcess, status: String)] = []
        for _ in 0..<100 where exits.isEmpty {
            exits = await supervisor.takeExits()
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(exits.map(\.status) == ["signal \(SIGTERM)"])
        await supervisor.stopAll()
    }
}
