import Foundation
import Testing
@testable import StrataGen

/// The `k8s` and `compose` targets' output for the reference spec (specs/shop.strata), compared
/// whole-file with Goldens/deploy/. After an intended change, re-record with
/// `STRATA_RECORD=1 swift test --filter KubernetesGoldenTests` (the run still fails, so recording
/// is never silent) and review the diff.
@Suite struct KubernetesGoldenTests {
    static let goldens = DeployFixture.repository.appendingPathComponent("Tests/StrataGenTests/Goldens/deploy")
    static let spec = "specs/shop.strata"

    @Test func shopMatchesTheGoldens() throws {
        let artifacts = try DeployFixture.build(spec: Self.spec).artifacts
        let recording = ProcessInfo.processInfo.environment["STRATA_RECORD"] == "1"
        let fm = FileManager.default
        var expected: Set<String> = []
        for artifact in artifacts {
            #expect(artifact.path.hasPrefix("deploy/"))
            let relative = String(artifact.path.dropFirst("deploy/".count))
            expected.insert(relative)
            let golden = Self.goldens.appendingPathComponent(relative)
            if recording {
                try fm.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(artifact.contents).write(to: golden)
                continue
            }
            guard let existing = fm.contents(atPath: golden.path) else {
                Issue.record("missing golden deploy/\(relative); record it with STRATA_RECORD=1 and review it")
                continue
            }
            if [UInt8](existing) != artifact.contents {
                Issue.record("""
                    deploy/\(relative) differs from its golden (re-record with STRATA_RECORD=1 if intended):
                    \(Self.diff(golden: golden, generated: artifact.contents))
                    """)
            }
        }
        for stale in Self.files(under: Self.goldens).subtracting(expected).sorted() {
            if recording {
                try fm.removeItem(at: Self.goldens.appendingPathComponent(stale))
            } else {
                Issue.record("golden deploy/\(stale) is no longer generated; re-record with STRATA_RECORD=1")
            }
        }
        if recording {
            Issue.record("STRATA_RECORD=1: re-recorded \(artifacts.count) goldens under \(Self.goldens.path); unset STRATA_RECORD to compare")
        }
    }

    /// Relative paths of the files under `root`.
    static func files(under root: URL) -> Set<String> {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var result: Set<String> = []
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result.insert(path)
            }
        }
        return result
    }

    /// A unified diff of the golden against the generated text (`git diff --no-index`), or a note when git is missing.
    static func diff(golden: URL, generated: [UInt8]) -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("strata-deploy-golden-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let actual = scratch.appendingPathComponent(golden.lastPathComponent)
            try Data(generated).write(to: actual)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "diff", "--no-index", "--no-color", "--", golden.path, actual.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: output, as: UTF8.self)
        } catch {
            return "(no diff: \(error))"
        }
    }
}
