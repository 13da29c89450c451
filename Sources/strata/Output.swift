import ArgumentParser
import StrataDiagnostics
import StrataModel
import StrataRules

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every descriptor the CLI knows: the compiler's catalogue codes, then the
/// checker rules in registry order. `explain`, JSON, SARIF and JUnit use this list.
enum KnownRules {
    static let all: [RuleDescriptor] = RuleDescriptor.catalogue + Checker.descriptors

    /// The catalogue and the rules that run (JUnit makes a test case of each).
    static func enabled(disabling disabled: Set<String>) -> [RuleDescriptor] {
        all.filter { !disabled.contains($0.id) }
    }
}

/// Unbuffered writes to standard output and standard error.
enum Console {
    /// Writes to standard output; throws when it cannot (e.g. a closed pipe).
    static func write(_ text: String) throws {
        try writeAll(Array(text.utf8), to: STDOUT_FILENO)
    }

    /// Writes to standard error, ignoring failures (there is nowhere left to report them).
    static func writeError(_ text: String) {
        try? writeAll(Array(text.utf8), to: STDERR_FILENO)
    }

    /// Colour for standard output: a terminal, `NO_COLOR` unset or empty, and `TERM` not `dumb`.
    static var standardOutputWantsColor: Bool { wantsColor(STDOUT_FILENO) }

    /// Colour for standard error, by the same conditions.
    static var standardErrorWantsColor: Bool { wantsColor(STDERR_FILENO) }

    private static func wantsColor(_ descriptor: Int32) -> Bool {
        guard isatty(descriptor) == 1 else { return false }
        if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }
}

/// Why an output could not be written.
struct OutputError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot write \(path): \(reason)" }
}

/// Report files: written whole into a temporary file beside the target, then
/// renamed over it, so a reader never sees half a report.
enum OutputFile {
    /// Writes `text` to `path`, creating missing parent directories.
    static func write(_ text: String, to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw OutputError(path: path, reason: "names a directory") }
        do {
            try makeDirectories(directory.isEmpty ? "/" : directory)
            let temporary = "\(directory.isEmpty ? "" : directory)/.\(name).strata-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard descriptor >= 0 else { throw SystemCallError.current }
            var renamed = false
            defer { if !renamed { unlink(temporary) } }
            do {
                defer { close(descriptor) }
                try writeAll(Array(text.utf8), to: descriptor)
            }
            guard rename(temporary, path) == 0 else { throw SystemCallError.current }
            renamed = true
        } catch let error as SystemCallError {
            throw OutputError(path: path, reason: error.reason)
        }
    }

    /// `mkdir -p`.
    private static func makeDirectories(_ directory: String) throws {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o777) != 0, errno != EEXIST { throw SystemCallError.current }
            prefix += "/"
        }
    }
}

/// A failed system call, described by the C library's message for `errno`.
private struct SystemCallError: Error {
    let reason: String
    static var current: SystemCallError { SystemCallError(reason: String(cString: strerror(errno))) }
}

/// Writes every byte to a file descriptor, retrying interrupted and partial writes.
private func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws {
    try bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemCallError.current
            }
            offset += written
        }
    }
}

/// `write(2)`, named apart from the `write` functions above that would shadow it.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

/// Reading a spec for the commands that compile one (build, up, diagram, simulate).
enum SpecInput {
    /// Compiles `spec`; an unreadable file is reported and exits 2. Errors in the spec are the caller's.
    static func compile(_ spec: String) throws -> Compilation {
        do {
            return try Compiler.compile(path: spec)
        } catch {
            Console.writeError("strata: error: cannot read \(spec): \(error)\n")
            throw ExitCode(2)
        }
    }

    /// Compiles `spec`. An unreadable file exits 2; a spec with errors prints them to standard
    /// error, says that nothing was `done` (e.g. "drawn"), and exits 1.
    static func architecture(_ spec: String, noColor: Bool, nothing done: String) throws -> (Compilation, Architecture) {
        let compilation = try compile(spec)
        guard let architecture = compilation.architecture, !compilation.hasErrors else {
            let color = !noColor && Console.standardErrorWantsColor
            Console.writeError(TextRenderer(sources: compilation.sources, color: color, summary: true).render(compilation.diagnostics))
            Console.writeError("strata: error: \(spec) has errors; nothing was \(done)\n")
            throw ExitCode(1)
        }
        return (compilation, architecture)
    }
}
