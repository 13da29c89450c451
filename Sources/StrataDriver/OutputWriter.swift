import Foundation
import StrataGen

/// Writes a build's artifacts into the output folder atomically.
///
/// The new tree is assembled in a temporary sibling folder; the live folder is
/// replaced by renames only once everything was written, so a failed build
/// leaves the previous output untouched. Within the new tree:
/// - a generated file whose content did not change is the previous file itself
///   (moved, so its modification time is kept and incremental builds stay incremental);
/// - a user-owned file that exists is kept, never overwritten;
/// - files the previous build generated but this one does not are dropped;
/// - anything else in the folder (e.g. `services/.build`, the user's own files) is carried over.
/// The list of generated files is kept in `.strata-manifest`.
public struct OutputWriter {
    /// What a write did.
    public struct Summary: Sendable, Equatable {
        public var written: [String] = []
        public var unchanged: [String] = []
        public var keptUserOwned: [String] = []
        public var removed: [String] = []
    }

    public static let manifestName = ".strata-manifest"

    let fileManager = FileManager.default

    /// Moves made from the live folder into the staging tree; a build that fails after some of
    /// them moves the files back, so that a failure never loses a user's handler or a `.build`.
    final class MoveLog {
        var moves: [(from: URL, to: URL)] = []
    }

    /// Test seam: runs after the live folder's files were carried into the staging tree.
    var afterCarrying: (() throws -> Void)?

    public init() {}

    /// Writes `artifacts` into `directory`. Throws without touching `directory` when the new tree cannot be assembled.
    public func write(_ artifacts: [Artifact], to directory: String) throws -> Summary {
        let out = URL(fileURLWithPath: directory).standardizedFileURL
        try checkPaths(artifacts)
        let parent = out.deletingLastPathComponent()
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(out.lastPathComponent).strata-new-\(ProcessInfo.processInfo.processIdentifier)")
        try? fileManager.removeItem(at: staging)
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
        var summary = Summary()
        let log = MoveLog()
        do {
            let previousManifest = Set(readManifest(out))
            let exists = fileManager.fileExists(atPath: out.path)
            // 1. Assemble the new tree (only reads from the old one).
            var carried: [String] = []  // old paths moved in step 2
            var createdFolders: Set<String> = []
            for a in artifacts.sorted(by: { $0.path < $1.path }) {
                let old = out.appendingPathComponent(a.path)
                let new = staging.appendingPathComponent(a.path)
                let folder = new.deletingLastPathComponent()
                if createdFolders.insert(folder.path).inserted {
                    try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
                }
                if exists, fileManager.fileExists(atPath: old.path) {
                    if a.ownership == .userOwned {
                        carried.append(a.path)
                        summary.keptUserOwned.append(a.path)
                        continue
                    }
                    if let current = fileManager.contents(atPath: old.path), [UInt8](current) == a.contents, isExecutable(old) == a.executable {
                        carried.append(a.path)
                        summary.unchanged.append(a.path)
                        continue
                    }
                }
                try writeFile(new.path, a.contents, mode: a.executable ? 0o755 : 0o644)
                summary.written.append(a.path)
            }
            let generated = Set(artifacts.filter { $0.ownership == .generated }.map(\.path))
            let manifest = generated.sorted().joined(separator: "\n") + "\n"
            try writeFile(staging.appendingPathComponent(OutputWriter.manifestName).path, Array(manifest.utf8), mode: 0o644)
            summary.removed = previousManifest.subtracting(artifacts.map(\.path)).sorted()

            // 2. Carry over unchanged and user files, and everything the previous build did not generate.
            if exists {
                for path in carried {
                    try move(out.appendingPathComponent(path), to: staging.appendingPathComponent(path), log: log)
                }
                try carryForeign(from: out, to: staging, relative: "", skip: previousManifest.union(artifacts.map(\.path)).union([OutputWriter.manifestName]),
                                 log: log)
            }
            try afterCarrying?()
            // 3. Swap.
            if exists {
                let retired = parent.appendingPathComponent(".\(out.lastPathComponent).strata-old-\(ProcessInfo.processInfo.processIdentifier)")
                try? fileManager.removeItem(at: retired)
                try fileManager.moveItem(at: out, to: retired)
                do {
                    try fileManager.moveItem(at: staging, to: out)
                } catch {
                    try? fileManager.moveItem(at: retired, to: out)
                    throw error
                }
                try? fileManager.removeItem(at: retired)
            } else {
                try fileManager.moveItem(at: staging, to: out)
            }
        } catch {
            // Give back what was carried out of the live folder, newest first, then drop the rest.
            for move in log.moves.reversed() {
                try? fileManager.createDirectory(at: move.from.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? fileManager.moveItem(at: move.to, to: move.from)
            }
            try? fileManager.removeItem(at: staging)
            throw error
        }
        return summary
    }

    /// Rejects absolute paths, `..` and duplicates (a generator bug must not write outside the folder).
    func checkPaths(_ artifacts: [Artifact]) throws {
        var seen: Set<String> = []
        for a in artifacts {
            let parts = a.path.split(separator: "/", omittingEmptySubsequences: false)
            if a.path.isEmpty || a.path.hasPrefix("/") || parts.contains("..") || parts.contains("") || a.path == OutputWriter.manifestName {
                throw GenerationError("generator produced an invalid path: \(a.path)")
            }
            if !seen.insert(a.path).inserted { throw GenerationError("two artifacts have the path \(a.path)") }
        }
    }

    /// Writes a new file of the staging tree with exactly `mode` (whatever the umask). No per-file
    /// rename or sync: the staging tree as a whole is what is swapped in.
    func writeFile(_ path: String, _ contents: [UInt8], mode: mode_t) throws {
        do {
            try AtomicFile.create(contents, at: path, mode: mode)
        } catch {
            throw GenerationError("cannot write \(error)")
        }
    }

    func readManifest(_ out: URL) -> [String] {
        guard let data = fileManager.contents(atPath: out.appendingPathComponent(OutputWriter.manifestName).path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    func isExecutable(_ url: URL) -> Bool { fileManager.isExecutableFile(atPath: url.path) }

    func move(_ from: URL, to: URL, log: MoveLog) throws {
        try fileManager.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? fileManager.removeItem(at: to)
        try fileManager.moveItem(at: from, to: to)
        log.moves.append((from, to))
    }

    /// Moves entries of `from` that are neither generated nor already placed into `to`, recursing into
    /// folders that exist on both sides.
    func carryForeign(from: URL, to: URL, relative: String, skip: Set<String>, log: MoveLog) throws {
        guard let entries = try? fileManager.contentsOfDirectory(atPath: from.path) else { return }
        for name in entries.sorted() {
            let rel = relative.isEmpty ? name : relative + "/" + name
            if skip.contains(rel) { continue }
            let source = from.appendingPathComponent(name)
            let target = to.appendingPathComponent(name)
            var isDir: ObjCBool = false
            _ = fileManager.fileExists(atPath: source.path, isDirectory: &isDir)
            var targetIsDir: ObjCBool = false
            let targetExists = fileManager.fileExists(atPath: target.path, isDirectory: &targetIsDir)
            if isDir.boolValue, targetExists, targetIsDir.boolValue {
                try carryForeign(from: source, to: target, relative: rel, skip: skip, log: log)
            } else if isDir.boolValue, skip.contains(where: { $0.hasPrefix(rel + "/") }) {
                // A folder that held only generated files which are gone now: carry what else it holds.
                try fileManager.createDirectory(at: target, withIntermediateDirectories: true)
                try carryForeign(from: source, to: target, relative: rel, skip: skip, log: log)
                if (try? fileManager.contentsOfDirectory(atPath: target.path))?.isEmpty == true { try? fileManager.removeItem(at: target) }
            } else if !targetExists {
                try move(source, to: target, log: log)
            }
        }
    }
}
