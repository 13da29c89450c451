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

/// The leader of a run's process group: `/bin/sh` blocked reading a pipe that only the
/// supervisor writes to. When the supervisor ends, however it ends, the kernel closes the pipe;
/// the read returns and the shell kills its whole group, children and itself. It ignores the
/// terminal's SIGINT and SIGHUP, so that only the pipe decides.
final class Watchdog: Sendable {
    /// The script: wait for end of file on standard input, then SIGKILL the group.
    static let script = "trap '' INT HUP; read -r _ || true; kill -KILL 0"

    let pid: Int32
    /// The write end, held open (close-on-exec) for the supervisor's lifetime.
    private let writeEnd: Int32
    private let task: Task<Void, Never>

    private init(pid: Int32, writeEnd: Int32, task: Task<Void, Never>) {
        self.pid = pid
        self.writeEnd = writeEnd
        self.task = task
    }

    static func start() async throws -> Watchdog {
        let ends: (readEnd: FileDescriptor, writeEnd: FileDescriptor)
        do {
            ends = try FileDescriptor.pipe()
        } catch {
            throw RunError("cannot create the watchdog's pipe: \(error)")
        }
        // Close-on-exec: no other child may hold the write end (Subprocess also closes every
        // descriptor it is not given, so a spawn racing with this line cannot leak it either).
        _ = fcntl(ends.readEnd.rawValue, F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends.writeEnd.rawValue, F_SETFD, FD_CLOEXEC)
        let fds = [ends.readEnd.rawValue, ends.writeEnd.rawValue]
        var options = PlatformOptions()
        options.processGroupID = 0  // a new group, led by the watchdog
        let box = WatchdogPID()
        let readEnd = FileDescriptor(rawValue: fds[0])
        let task = Task {
            _ = try? await Subprocess.run(
                .path("/bin/sh"), arguments: ["-c", script], platformOptions: options,
                input: .fileDescriptor(readEnd, closeAfterSpawningProcess: true),
                output: .discarded, error: .discarded
            ) { execution in
                box.set(execution.processIdentifier.value)
            }
            box.set(nil)
        }
        guard let pid = await box.wait() else {
            close(fds[1])
            throw RunError("cannot start the watchdog (/bin/sh)")
        }
        return Watchdog(pid: pid, writeEnd: fds[1], task: task)
    }

    /// Closes the pipe: the watchdog kills the group (and itself); waits until it has.
    func killGroup() async {
        close(writeEnd)
        _ = await task.value
        kill(-pid, SIGKILL)  // in case the shell was killed before it could
    }
}

/// The watchdog's pid, handed from the subprocess body.
private final class WatchdogPID: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var pid: Int32?
    private var waiter: CheckedContinuation<Int32?, Never>?

    func set(_ value: Int32?) {
        let resume: CheckedContinuation<Int32?, Never>? = lock.withLock {
            guard !done else { return nil }
            done = true
            pid = value
            defer { waiter = nil }
            return waiter
        }
        resume?.resume(returning: value)
    }

    func wait() async -> Int32? {
        await withCheckedContinuation { continuation in
            let ready: Int32?? = lock.withLock {
                if done { return .some(pid) }
                waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
