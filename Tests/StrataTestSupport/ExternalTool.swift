import Foundation
import Testing

/// A command-line tool some tests check their output with (`dot`, `rsvg-convert`, `envoy`, ...).
///
/// When the tool is not on `PATH`, a test that needs it fails if tools are required (the environment
/// variable `CI` is set, or `STRATA_REQUIRE_TOOLS=1`, which scripts/test sets), and is otherwise
/// cancelled: reported as skipped, with the package to install. It never passes without checking.
public enum ExternalTool {
    /// The environment variable that makes a missing tool a failure.
    public static let requireVariable = "STRATA_REQUIRE_TOOLS"

    /// True when a missing tool must fail the test: `CI` is set (to anything but empty), or `STRATA_REQUIRE_TOOLS=1`.
    public static var required: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment[requireVariable] == "1" || !(environment["CI"] ?? "").isEmpty
    }

    /// The path of an executable named `tool` on `PATH`, or nil.
    public static func path(of tool: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The path of `tool`. When it is missing, records a failure and throws if tools are required,
    /// else cancels the current test (or test case) with a skip message naming `package`.
    public static func require(_ tool: String, package: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        if let path = path(of: tool) { return path }
        let message = "\(tool) is not installed (apt-get install \(package))"
        if required {
            return try #require(path(of: tool), "\(message), and tools are required (CI or \(requireVariable)=1)", sourceLocation: sourceLocation)
        }
        try Test.cancel("skipped: \(message); set \(requireVariable)=1 to make this a failure", sourceLocation: sourceLocation)
    }
}
