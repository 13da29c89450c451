import Foundation

/// Finds a tool the way a shell would: the first executable of that name on `PATH`, then in
/// `/usr/sbin` and `/sbin` (where Debian puts nginx, which a non-root `PATH` often lacks).
public enum ExecutableSearch {
    /// The path of the executable `name`, or nil when none is installed.
    public static func path(of name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"] where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
