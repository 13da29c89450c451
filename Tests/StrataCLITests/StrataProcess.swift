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

    /// The environment variable naming an explicit `strata` to test instead of the one built with these tests.
    static let executableVariable = "STRATA_BIN"

    /// The `strata` executable built together with these tests, or why there is none.
    ///
    /// `STRATA_BIN` when set; otherwise `strata` in the products folder of the running test binary
    /// (where SwiftPM puts every product of the same build, whatever `--scratch-path` says). Never any
    /// other build folder: a stale `strata` of another build must not be what the tests check.
    static let executable: Swift.Result<URL, LookupError> = {
        let fileManager = FileManager.default
        func isExecutableFile(_ url: URL) -> Bool {
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fileManager.isExecutableFile(atPath: url.path)
        }
        if let path = ProcessInfo.processInfo.environment[executableVariable], !path.isEmpty {
            let url = URL(fileURLWithPath: path)
            return isExecutableFile(url) ? .success(url) : .failure(LookupError("\(executableVariable)=\(path) is not an executable file"))
        }
        let products = productsDirectories()
        for directory in products where isExecutableFile(directory.appendingPathComponent("strata")) {
            return .success(directory.appendingPathComponent("strata"))
        }
        return .failure(LookupError("""
            the strata executable of this build was not found in \(products.map(\.path)); \
            build it with `swift build --build-tests` (or set \(executableVariable) to the strata to test)
            """))
    }()

    /// The folder holding the running test binary: on Linux the `*.xctest` executable itself
    /// (`Bundle.main`), on macOS the loaded `*.xctest` bundle.
    static func productsDirectories() -> [URL] {
        var directories: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let testExecutable = Bundle.main.executableURL?.resolvingSymlinksInPath(), testExecutable.pathExtension == "xctest" {
            directories.append(testExecutable.deletingLastPathComponent())
        }
        return directories
    }

    /// Why the executable could not be found.
    struct LookupError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The executable; throws (failing the test with where it was looked for) when there is none.
    static func requireExecutable() throws -> URL {
        try executable.get()
    }

    /// Runs `strata arguments` in `directory` with `NO_COLOR` unset unless given in `environment`.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Result {
        let executable = try StrataProcess.requireExecutable()
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
