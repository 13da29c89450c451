import Foundation
import Testing

/// Runs the built `strata` executable and captures what it prints.
struct StrataProcess {
    /// What one run printed and how it ended.
    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// The repository root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `strata` executable built together with these tests.
    ///
    /// Looked up, in order: `STRATA_EXECUTABLE`; next to the test executable or
    /// bundle (which is where SwiftPM puts products, whatever `--scratch-path`
    /// says); the most recently built `.build*/debug/strata` under the repository.
    static let executable: URL? = {
        let fileManager = FileManager.default
        func isExecutable(_ url: URL) -> Bool {
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fileManager.isExecutableFile(atPath: url.path)
        }
        if let path = ProcessInfo.processInfo.environment["STRATA_EXECUTABLE"] {
            return URL(fileURLWithPath: path)
        }
        var directories: [URL] = []
        if let testExecutable = Bundle.main.executableURL { directories.append(testExecutable.deletingLastPathComponent()) }
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        for directory in directories where isExecutable(directory.appendingPathComponent("strata")) {
            return directory.appendingPathComponent("strata")
        }
        let scratchDirectories = ((try? fileManager.contentsOfDirectory(atPath: repositoryRoot.path)) ?? [])
            .filter { $0.hasPrefix(".build") }
        let candidates = scratchDirectories
            .map { repositoryRoot.appendingPathComponent($0).appendingPathComponent("debug/strata") }
            .filter(isExecutable)
        return candidates.max { a, b in
            let dateA = (try? fileManager.attributesOfItem(atPath: a.path)[.modificationDate] as? Date) ?? .distantPast
            let dateB = (try? fileManager.attributesOfItem(atPath: b.path)[.modificationDate] as? Date) ?? .distantPast
            return dateA < dateB
        }
    }()

    /// Runs `strata arguments` in `directory` with `NO_COLOR` unset unless given in `environment`.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Result {
        let executable = try #require(StrataProcess.executable, "the strata executable was not found; set STRATA_EXECUTABLE")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var processEnvironment = ProcessInfo.processInfo.environment
        processEnvironment["NO_COLOR"] = nil
        processEnvironment["SWIFT_BACKTRACE"] = "enable=no"
        processEnvironment.merge(environment) { _, new in new }
        process.environment = processEnvironment

        // Files rather than pipes: nothing can block however much is printed.
        let outputURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errorURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: outputURL)
            try? FileManager.default.removeItem(at: errorURL)
        }
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let outputHandle = try FileHandle(forWritingTo: outputURL)
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try outputHandle.close()
        try errorHandle.close()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }
}

/// A temporary directory removed when the test is done with it.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("strata-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` inside the directory and returns its path relative to it.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return name
    }

    /// The contents of `name`, or nil when it does not exist.
    func read(_ name: String) -> String? {
        (try? Data(contentsOf: url.appendingPathComponent(name))).map { String(decoding: $0, as: UTF8.self) }
    }
}
