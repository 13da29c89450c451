import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// SVG to PNG with `rsvg-convert` (`strata diagram --png`).
public enum PNGConverter {
    /// Why no PNG was written.
    public enum Failure: Error, CustomStringConvertible, Sendable {
        /// `rsvg-convert` is not on `PATH`.
        case converterMissing
        /// It could not be started.
        case cannotRun(converter: String, reason: String)
        /// It failed; `message` is what it wrote to standard error.
        case failed(message: String)

        /// What to tell the user, without a trailing newline; for a missing converter, how to install it.
        public var description: String {
            switch self {
            case .converterMissing:
                """
                --png needs rsvg-convert, which is not installed.
                  Debian/Ubuntu: sudo apt-get install librsvg2-bin
                  macOS:         brew install librsvg
                  or write the SVG (-o FILE.svg) and open it in a browser.
                """
            case .cannotRun(let converter, let reason): "cannot run \(converter): \(reason)"
            case .failed(let message): "rsvg-convert failed: \(message)"
            }
        }
    }

    /// The most bytes of `rsvg-convert`'s standard error read for the message (more fails the run).
    static let errorLimit = 1 << 20

    /// Pipes `svg` through `rsvg-convert` into a PNG at `path`.
    public static func convert(svg: String, to path: String) async throws(Failure) {
        guard let converter = findExecutable("rsvg-convert") else { throw .converterMissing }
        let succeeded: Bool
        let errors: [UInt8]
        do {
            let result = try await Subprocess.run(
                .path(FilePath(converter)), arguments: ["--format", "png", "--output", path],
                input: .string(svg), output: .currentStandardOutput, error: .bytes(limit: errorLimit)
            )
            succeeded = result.terminationStatus.isSuccess
            errors = result.standardError
        } catch {
            throw .cannotRun(converter: converter, reason: "\(error)")
        }
        guard succeeded else { throw .failed(message: String(decoding: errors, as: UTF8.self)) }
    }

    /// The first executable named `name` on `PATH`.
    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
