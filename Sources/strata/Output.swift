import ArgumentParser
import StrataAnalysis
import StrataDiagnostics
import StrataDriver
import StrataModel

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
    /// Compiles `spec`; an unreadable file is reported and exits 2. Errors in the spec are the caller's.
    static func compile(_ spec: String) throws -> Compilation {
        do {
            return try Pipeline.compile(path: spec)
        } catch {
            Console.writeError("strata: error: \(error)\n")
            throw ExitCode(2)
        }
    }

    /// Compiles and checks `spec`. An unreadable file exits 2; a spec with compiler errors prints
    /// them to standard error, says that nothing was `done` (e.g. "drawn"), and exits 1.
    static func checked(_ spec: String, noColor: Bool, nothing done: String) throws -> (CheckedSpec, ArchitectureAnalyses) {
        let checked = Pipeline.check(try compile(spec))
        guard let analyses = checked.analyses else {
            refuse(spec, checked.compilation, noColor: noColor, nothing: done)
        }
        return (checked, analyses)
    }

    /// Compiles `spec` and analyses it without running the rules, with the same exits.
    static func analysed(_ spec: String, noColor: Bool, nothing done: String) throws -> ArchitectureAnalyses {
        let compilation = try compile(spec)
        guard let analyses = Pipeline.analyse(compilation) else {
            refuse(spec, compilation, noColor: noColor, nothing: done)
        }
        return analyses
    }

    private static func refuse(_ spec: String, _ compilation: Compilation, noColor: Bool, nothing done: String) -> Never {
        let color = !noColor && Console.standardErrorWantsColor
        Console.writeError(TextRenderer(sources: compilation.sources, color: color, summary: true).render(compilation.diagnostics))
        Console.writeError("strata: error: \(spec) has errors; nothing was \(done)\n")
        Strata.exit(withError: ExitCode(1))
    }
}
