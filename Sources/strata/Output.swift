import ArgumentParser
import StrataDiagnostics
import StrataDriver

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to standard output and standard error.
enum Console {
    /// Writes to standard output; throws when it cannot (e.g. a closed pipe).
    static func write(_ text: String) throws {
        try AtomicFile.writeAll(Array(text.utf8), to: STDOUT_FILENO, path: "standard output")
    }

    /// Writes to standard error, ignoring failures (there is nowhere left to report them).
    static func writeError(_ text: String) {
        try? AtomicFile.writeAll(Array(text.utf8), to: STDERR_FILENO, path: "standard error")
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

/// Reading a spec for the commands that compile one (build, up, diagram, simulate).
enum SpecInput {
    /// Reads, compiles and checks `spec` (without `runRules`, only analyses it). An unreadable
    /// file is reported and exits 2; errors in the spec are the caller's.
    static func check(_ spec: String, runRules: Bool = true) throws -> CheckedSpec {
        do {
            return try Pipeline.check(path: spec, runRules: runRules)
        } catch {
            Console.writeError("strata: error: \(error)\n")
            throw ExitCode(2)
        }
    }

    /// The same for a command that needs the analyses: a spec with compiler errors prints them to
    /// standard error, says that nothing was `done` (e.g. "drawn"), and exits 1.
    static func analysed(_ spec: String, runRules: Bool = true, noColor: Bool, nothing done: String) throws -> AnalysedSpec {
        let checked = try check(spec, runRules: runRules)
        guard let analysed = checked.analysed else {
            let compilation = checked.compilation
            let color = !noColor && Console.standardErrorWantsColor
            Console.writeError(TextRenderer(sources: compilation.sources, color: color, summary: true).render(compilation.diagnostics))
            Console.writeError("strata: error: \(VisibleText.escaped(spec)) has errors; nothing was \(done)\n")
            Strata.exit(withError: ExitCode(1))
        }
        return analysed
    }
}
