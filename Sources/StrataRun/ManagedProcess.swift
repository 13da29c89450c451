import Foundation

/// One long-running process of a local run: a registry member, a service instance or a gateway.
public struct ManagedProcess: Sendable, Hashable, Codable {
    /// What the process is; also the order of stopping (gateways first, the registry last).
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case registry, service, gateway
    }

    public let kind: Kind
    public let name: String
    /// The set it serves; nil for shared components.
    public let set: String?
    /// The command, its executable first (a path, or a name looked up on PATH).
    public let arguments: [String]
    /// Variables added to the inherited environment.
    public let environment: [String: String]
    public let workingDirectory: String
    /// Standard output and standard error go here.
    public let log: String
    /// The URL users are shown.
    public let url: String
    /// Readiness: HTTP 200 on `127.0.0.1:probePort` `probePath`.
    public let probePort: Int
    public let probePath: String
    /// The port it serves on.
    public let port: Int
    /// Shown after the URL (engine, admin port).
    public let note: String

    public init(kind: Kind, name: String, set: String?, arguments: [String], environment: [String: String], workingDirectory: String,
                log: String, url: String, probePort: Int, probePath: String, port: Int, note: String) {
        self.kind = kind
        self.name = name
        self.set = set
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.log = log
        self.url = url
        self.probePort = probePort
        self.probePath = probePath
        self.port = port
        self.note = note
    }
}

/// A started process and its process id.
public struct RunningProcess: Sendable, Hashable {
    public let process: ManagedProcess
    public let pid: Int32

    public init(process: ManagedProcess, pid: Int32) {
        self.process = process
        self.pid = pid
    }
}

/// Something failed to start or to stop.
public struct RunError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
