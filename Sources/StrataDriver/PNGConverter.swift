import Foundation
import StrataRun
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
        /// The PNG could not be written.
        case cannotWrite(reason: String)

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
            case .cannotWrite(let reason): "cannot write \(reason)"
            }
        }
    }

    /// The most bytes of `rsvg-convert`'s standard error read for the message (more fails the run).
    static let errorLimit = 1 << 20
    /// The largest PNG accepted from `rsvg-convert` (more fails the run, and nothing is written).
    static let imageLimit = 512 << 20

    /// Pipes `svg` through `rsvg-convert` and writes the PNG to `path` atomically: the image is
    /// collected from the converter's standard output first, so a failed or killed conversion
    /// never leaves a partial file (nor replaces an existing one).
    public static func convert(svg: String, to path: String) async throws(Failure) {
        guard let converter = ExecutableSearch.path(of: "rsvg-convert") else { throw .converterMissing }
        let succeeded: Bool
        let image: [UInt8]
        let errors: [UInt8]
        do {
            let result = try await Subprocess.run(
                .path(FilePath(converter)), arguments: ["--format", "png"],
                input: .string(svg), output: .bytes(limit: imageLimit), error: .bytes(limit: errorLimit)
            )
            succeeded = result.terminationStatus.isSuccess
            image = result.standardOutput
            errors = result.standardError
        } catch {
            throw .cannotRun(converter: converter, reason: "\(error)")
        }
        guard succeeded else { throw .failed(message: String(decoding: errors, as: UTF8.self)) }
        do {
            try AtomicFile.write(image, to: path, createDirectories: true)
        } catch {
            throw .cannotWrite(reason: "\(error)")
        }
    }
}
