import Foundation
import Testing

/// Whole-file golden comparison shared by the generator and diagram tests.
///
/// Each generated file is compared byte for byte with `goldens/<relative path>`; a mismatch shows a
/// `git diff --no-index`, and a golden nothing generates any more is reported as stale.
/// `STRATA_RECORD=1` rewrites the goldens (and removes stale ones) but still records an issue, so
/// re-recording is never silent and the diff gets reviewed.
public enum GoldenFiles {
    /// The environment variable that re-records goldens.
    public static let recordVariable = "STRATA_RECORD"

    /// True when the goldens are being re-recorded (`STRATA_RECORD=1`).
    public static var recording: Bool { ProcessInfo.processInfo.environment[recordVariable] == "1" }

    /// Compares `files` (relative path → contents) with the goldens under `goldens`. Stale goldens are
    /// looked for under `goldens` itself, or only under `folders` of it when given.
    public static func compare(
        _ files: [(path: String, contents: [UInt8])], goldens: URL, folders: [String]? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let fm = FileManager.default
        for file in files {
            let golden = goldens.appendingPathComponent(file.path)
            if recording {
                try fm.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents).write(to: golden)
                continue
            }
            guard let existing = fm.contents(atPath: golden.path) else {
                Issue.record("missing golden \(file.path); record it with \(recordVariable)=1 and review it", sourceLocation: sourceLocation)
                continue
            }
            if [UInt8](existing) != file.contents {
                Issue.record("""
                    \(file.path) differs from its golden (re-record with \(recordVariable)=1 if intended):
                    \(diff(golden: golden, generated: file.contents))
                    """, sourceLocation: sourceLocation)
            }
        }
        // A golden nobody generates any more is stale.
        let generated = Set(files.map(\.path))
        var onDisk: Set<String> = []
        for folder in folders ?? [""] {
            let root = folder.isEmpty ? goldens : goldens.appendingPathComponent(folder)
            onDisk.formUnion(self.files(under: root).map { folder.isEmpty ? $0 : folder + "/" + $0 })
        }
        for stale in onDisk.subtracting(generated).sorted() {
            if recording {
                try fm.removeItem(at: goldens.appendingPathComponent(stale))
            } else {
                Issue.record("golden \(stale) is no longer generated; re-record with \(recordVariable)=1", sourceLocation: sourceLocation)
            }
        }
        if recording {
            Issue.record("""
                \(recordVariable)=1: re-recorded \(files.count) goldens under \(goldens.path); \
                review the diff, then unset \(recordVariable) to compare
                """, sourceLocation: sourceLocation)
        }
    }

    /// Every regular file under `root`, relative to it (empty when `root` does not exist).
    public static func files(under root: URL) -> Set<String> {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var result: Set<String> = []
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            result.insert(String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)))
        }
        return result
    }

    /// A unified diff of the golden against the generated text (`git diff --no-index`), at most 80 lines.
    public static func diff(golden: URL, generated: [UInt8]) -> String {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("strata-golden-\(UUID().uuidString)")
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
            let lines = String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            return lines.prefix(80).joined(separator: "\n") + (lines.count > 80 ? "\n… (\(lines.count - 80) more lines)" : "")
        } catch {
            return "(no diff available: \(error))"
        }
    }
}
