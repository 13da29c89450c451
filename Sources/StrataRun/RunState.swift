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
    /// The process group of every child (led by the watchdog).
    public let processGroup: Int32
    public let etcdEndpoints: [String]
    public let processes: [Entry]

    enum CodingKeys: String, CodingKey {
        case architecture, work, processes
        case strataPID = "strata_pid"
        case processGroup = "process_group"
        case etcdEndpoints = "etcd_endpoints"
    }

    public init(architecture: String, work: String, strataPID: Int32, processGroup: Int32, etcdEndpoints: [String], running: [RunningProcess]) {
        self.architecture = architecture
        self.work = work
        self.strataPID = strataPID
        self.processGroup = processGroup
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
    /// the supervisor and the whole process group, whatever is left of it.
    public static func stop(_ state: RunState, timeout: Duration = .seconds(30)) async -> Outcome {
        var outcome = Outcome.killedLeftovers
        if isAlive(state.strataPID), kill(state.strataPID, SIGTERM) == 0 {
            let deadline = ContinuousClock.now + timeout
            while isAlive(state.strataPID), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(100))
            }
            if !isAlive(state.strataPID) { outcome = .stoppedBySupervisor } else { kill(state.strataPID, SIGKILL) }
        }
        if state.processGroup > 1 { kill(-state.processGroup, SIGKILL) }
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
