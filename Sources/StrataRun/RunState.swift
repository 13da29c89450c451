import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `run/state.json`: what a local run started, for scripts and for `strata down`.
public struct RunState: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public let kind: String
        public let name: String
        public let set: String?
        public let pid: Int32
        public let port: Int
        public let url: String
        public let log: String
        public let note: String
    }

    public let architecture: String
    public let work: String
    /// The supervisor (`strata up`).
    public let strataPID: Int32
    /// When the supervisor started (``ProcessIdentity``), so that `strata down` never signals a
    /// process that merely reuses its pid; nil where the system does not tell.
    public let strataStart: UInt64?
    /// The process group of every child (led by the watchdog).
    public let processGroup: Int32
    /// When the watchdog, the group's leader, started.
    public let processGroupStart: UInt64?
    public let etcdEndpoints: [String]
    public let processes: [Entry]

    enum CodingKeys: String, CodingKey {
        case architecture, work, processes
        case strataPID = "strata_pid"
        case strataStart = "strata_start"
        case processGroup = "process_group"
        case processGroupStart = "process_group_start"
        case etcdEndpoints = "etcd_endpoints"
    }

    public init(architecture: String, work: String, strataPID: Int32, processGroup: Int32, etcdEndpoints: [String], running: [RunningProcess]) {
        self.architecture = architecture
        self.work = work
        self.strataPID = strataPID
        strataStart = ProcessIdentity.startTime(of: strataPID)
        self.processGroup = processGroup
        processGroupStart = ProcessIdentity.startTime(of: processGroup)
        self.etcdEndpoints = etcdEndpoints
        processes = running.map {
            Entry(kind: $0.process.kind.rawValue, name: $0.process.name, set: $0.process.set, pid: $0.pid, port: $0.process.port,
                  url: $0.process.url, log: $0.process.log, note: $0.process.note)
        }
    }

    /// The JSON text: sorted keys, pretty-printed, slashes unescaped.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func read(_ path: String) throws -> RunState {
        try JSONDecoder().decode(RunState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// `strata down`: stops a run from its state file.
public enum RunStopper {
    /// What stopping did.
    public enum Outcome: Equatable, Sendable {
        /// The supervisor was running and stopped everything itself.
        case stoppedBySupervisor
        /// The supervisor was gone; whatever was left of the group was killed.
        case killedLeftovers
    }

    /// Asks the supervisor to stop (SIGTERM) and waits up to `timeout` for it to exit; then kills
    /// the supervisor and the whole process group, whatever is left of it. A pid is signalled only
    /// while it is still the process the state file recorded (same start time): a state file left
    /// by a run that was killed long ago must not make `strata down` kill whoever reuses its pids.
    public static func stop(_ state: RunState, timeout: Duration = .seconds(30)) async -> Outcome {
        var outcome = Outcome.killedLeftovers
        let supervisor = { isAlive(state.strataPID) && ProcessIdentity.matches(state.strataPID, started: state.strataStart) }
        if supervisor(), kill(state.strataPID, SIGTERM) == 0 {
            let deadline = ContinuousClock.now + timeout
            while supervisor(), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(100))
            }
            if !supervisor() { outcome = .stoppedBySupervisor } else { kill(state.strataPID, SIGKILL) }
        }
        // The group's leader is the watchdog; it dies last (it kills its own group), so a living
        // leader with the recorded start time means the group is still ours.
        if state.processGroup > 1, isAlive(state.processGroup), ProcessIdentity.matches(state.processGroup, started: state.processGroupStart) {
            kill(-state.processGroup, SIGKILL)
        }
        return outcome
    }

    /// True while `pid` exists (and is not a zombie of ours).
    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 1, kill(pid, 0) == 0 else { return false }
        // A zombie still answers kill(0); its /proc state is Z.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")"), stat.index(close, offsetBy: 2) < stat.endIndex {
            return stat[stat.index(close, offsetBy: 2)] != "Z"
        }
        return true
    }
}

/// Tells a process apart from a later one that reuses its pid, by its start time (clock ticks
/// since boot, field 22 of `/proc/PID/stat`). Where `/proc` is missing, nothing is known and
/// every check passes, as before.
public enum ProcessIdentity {
    /// When `pid` started, or nil when it does not exist or the system does not tell.
    public static func startTime(of pid: Int32) -> UInt64? {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)": state is field 3, start time field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    /// True when `pid` is the process that started at `started`; true when nothing was recorded
    /// (a system without `/proc`), since then nothing can be told.
    public static func matches(_ pid: Int32, started: UInt64?) -> Bool {
        guard let started else { return true }
        return startTime(of: pid) == started
    }
}
