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

/// Starts and stops the processes of a local run, so that none outlives it.
///
/// Every child runs in one process group led by a *watchdog*: a shell that blocks reading a
/// pipe whose only writer is this process. However the supervisor ends (returning, SIGPIPE,
/// SIGHUP, SIGKILL, a crash), the kernel closes that pipe, the watchdog's read returns, and
/// it kills the whole group. This gives the guarantee of a parent-death signal
/// (`PR_SET_PDEATHSIG`) without its flaw here: that signal follows the *thread* that spawned
/// the child, and Swift's concurrency threads come and go, which would kill children early.
/// The group is not the terminal's foreground group, so Ctrl-C reaches the supervisor only,
/// which stops everything in order (``stopAll()``).
public actor Supervisor {
    private let watchdog: Watchdog
    private var running: [RunningProcess] = []
    private var exits: [(process: ManagedProcess, status: String)] = []
    private var finished: Set<Int32> = []
    private var tasks: [Int32: Task<Void, Never>] = [:]

    /// Starts the watchdog. Children started later join its process group.
    public init() async throws {
        watchdog = try await Watchdog.start()
    }

    /// The process group every child runs in (the watchdog's pid).
    public nonisolated var processGroup: Int32 { watchdog.pid }

    /// The processes started and still running, in start order.
    public var processes: [RunningProcess] { running }

    /// Starts `process` in the group; its standard output and error go to its log.
    public func launch(_ process: ManagedProcess) async throws -> RunningProcess {
        try FileManager.default.createDirectory(atPath: process.workingDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: (process.log as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let output = try FileDescriptor.open(FilePath(process.log), .writeOnly, options: [.create, .append, .closeOnExec],
                                             permissions: [.ownerReadWrite, .groupRead, .otherRead])
        let error = try output.duplicate()
        var options = PlatformOptions()
        options.processGroupID = watchdog.pid
        let executable: Executable = process.arguments[0].contains("/") ? .path(FilePath(process.arguments[0])) : .name(process.arguments[0])
        var environment: [Environment.Key: String?] = [:]
        for (name, value) in process.environment { environment[Environment.Key(rawValue: name)!] = value }
        let pid = PIDBox()
        let task = Task { [weak self] in
            let status: String
            do {
                let result = try await Subprocess.run(
                    executable, arguments: Arguments(Array(process.arguments.dropFirst())), environment: .inherit.updating(environment),
                    workingDirectory: FilePath(process.workingDirectory), platformOptions: options,
                    input: .none, output: .fileDescriptor(output, closeAfterSpawningProcess: true),
                    error: .fileDescriptor(error, closeAfterSpawningProcess: true)
                ) { execution in
                    pid.set(.success(execution.processIdentifier.value))
                }
                status = Supervisor.describe(result.terminationStatus)
            } catch {
                pid.set(.failure(error))
                status = "not started: \(error)"
            }
            if let started = pid.value { await self?.record(pid: started, process: process, status: status) }
        }
        let started: Int32
        do {
            started = try await pid.wait()
        } catch {
            _ = await task.value
            throw RunError("cannot start \(process.name) (\(process.arguments[0])): \(error)")
        }
        tasks[started] = task
        let item = RunningProcess(process: process, pid: started)
        if !finished.contains(started) { running.append(item) }
        return item
    }

    /// A child ended: while running, that is news for ``takeExits()``; while stopping, expected.
    private func record(pid: Int32, process: ManagedProcess, status: String) {
        finished.insert(pid)
        running.removeAll { $0.pid == pid }
        if !stopping { exits.append((process, status)) }
    }

    private var stopping = false

    /// Processes that exited on their own since the last call, with how.
    public func takeExits() -> [(process: ManagedProcess, status: String)] {
        defer { exits = [] }
        return exits
    }

    /// Stops gateways, then services, then the registry: SIGTERM to each, SIGKILL to those still
    /// running after `grace`; finally SIGKILL to the whole group (anything a child left behind,
    /// and the watchdog).
    public func stopAll(grace: Duration = .seconds(10)) async {
        stopping = true
        for kind in [ManagedProcess.Kind.gateway, .service, .registry] {
            let group = running.filter { $0.process.kind == kind }
            for item in group { kill(item.pid, SIGTERM) }
            let deadline = ContinuousClock.now + grace
            while running.contains(where: { $0.process.kind == kind }), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            for item in running where item.process.kind == kind { kill(item.pid, SIGKILL) }
            for item in group { _ = await tasks[item.pid]?.value }
            running.removeAll { $0.process.kind == kind }
        }
        await watchdog.killGroup()
    }

    /// `exit status N` or `signal N`.
    static func describe(_ status: TerminationStatus) -> String {
        switch status {
        case .exited(let code): "exit status \(code)"
        case .signaled(let code): "signal \(code)"
        }
    }
}

/// A pid handed from a subprocess body to the task waiting for it.
private final class PIDBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Int32, any Error>?
    private var waiter: CheckedContinuation<Int32, any Error>?

    func set(_ value: Result<Int32, any Error>) {
        let resume: CheckedContinuation<Int32, any Error>? = lock.withLock {
            guard result == nil else { return nil }
            result = value
            defer { waiter = nil }
            return waiter
        }
        resume?.resume(with: value)
    }

    var value: Int32? { lock.withLock { try? result?.get() } }

    func wait() async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int32, any Error>? = lock.withLock {
                if let result { return result }
                waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
