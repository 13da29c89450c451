import Foundation
import StrataTestSupport
import Testing

/// `strata build` run as a process.
@Suite struct BuildCommandTests {
    /// File modes do not depend on the user's umask: scripts are 0755, everything else 0644.
    /// (A child process, because a umask applies to the whole process and tests run in parallel.)
    @Test func modesAreExactWhateverTheUmask() throws {
        let executable = try StrataProcess.requireExecutable()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("strata-build-umask-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let spec = repositoryPath("specs/shop.strata")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"umask 077 && exec "$0" build "$1" -o "$2" --targets registry"#, executable.path, spec, work.appendingPathComponent("out").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        func mode(_ path: String) throws -> Int? {
            try FileManager.default.attributesOfItem(atPath: work.appendingPathComponent("out/" + path).path)[.posixPermissions] as? Int
        }
        #expect(try mode("registry/etcd/start.sh") == 0o755)
        #expect(try mode("registry/etcd/etcd-1.conf.yaml") == 0o644)
        #expect(try mode(".strata-manifest") == 0o644)
    }
}
