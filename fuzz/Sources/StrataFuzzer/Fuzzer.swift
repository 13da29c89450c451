import StrataDiagnostics
import StrataModel
import StrataRules
import StrataSyntax

// libFuzzer harness over the whole front end, from raw bytes:
// lexer → parser → include loader → compiler (resolve + place) → text renderer,
// and, for inputs that compile without errors, the checker's rules (all of `strata check`).
//
// One fuzz input may hold several files. It is split at lines that start with
// `//@file NAME`: the bytes before the first such line are the root file
// `/fuzz/main.strata`, each later part is the file NAME (relative to `/fuzz/`).
// `include` statements are served from this in-memory map; a name that is not
// in the map fails to read, which exercises the loader's error path. The
// marker is an ordinary comment, so every input is also a plain spec file.
//
// Besides "must not crash, leak or hang", every input is checked against
// invariants that hold for any bytes; a violation aborts with a message.

/// The multi-file layout of one fuzz input.
struct FuzzInput {
    static let rootPath = "/fuzz/main.strata"
    static let marker: [UInt8] = Array("//@file ".utf8)

    /// File contents keyed by normalized absolute path.
    let files: [String: [UInt8]]

    init(_ data: UnsafeBufferPointer<UInt8>) {
        var files: [String: [UInt8]] = [:]
        var path = FuzzInput.rootPath
        var current: [UInt8] = []
        var lineStart = 0
        while lineStart < data.count {
            var lineEnd = lineStart
            while lineEnd < data.count, data[lineEnd] != 0x0A { lineEnd += 1 }
            let next = min(lineEnd + 1, data.count)
            let line = UnsafeBufferPointer(rebasing: data[lineStart..<lineEnd])
            if line.starts(with: FuzzInput.marker) {
                if files[path] == nil { files[path] = current }
                let name = String(decoding: line.dropFirst(FuzzInput.marker.count), as: UTF8.self)
                path = SpecLoader.normalize(SpecLoader.resolve(name, against: FuzzInput.rootPath))
                current = []
            } else {
                current.append(contentsOf: data[lineStart..<next])
            }
            lineStart = next
        }
        if files[path] == nil { files[path] = current }
        if files[FuzzInput.rootPath] == nil { files[FuzzInput.rootPath] = [] }
        self.files = files
    }

    /// A reader that serves the in-memory files and fails for any other path.
    var reader: FileReader {
        let files = self.files
        return { path in
            guard let bytes = files[SpecLoader.normalize(path)] else {
                throw SpecLoader.ReadError("no such file in the fuzz input")
            }
            return bytes
        }
    }
}

/// Stops the run with a message when an invariant does not hold (libFuzzer records the input).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant violated: \(message())") }
}

/// A span must name a loaded file and lie inside its bytes.
func requireInBounds(_ span: Span, _ sources: SourceManager, _ what: @autoclosure () -> String) {
    require(span.file.index >= 0 && span.file.index < sources.files.count, "\(what()): span names unknown file \(span.file.index)")
    let size = sources[span.file].bytes.count
    require(span.start >= 0 && span.start <= span.end && span.end <= size,
            "\(what()): span \(span.start)..<\(span.end) outside file of \(size) bytes")
}

func requireInBounds(_ statements: [Statement], _ sources: SourceManager) {
    for statement in statements {
        requireInBounds(statement.keywordSpan, sources, "keyword `\(statement.keyword)`")
        for argument in statement.arguments { requireInBounds(argument.span, sources, "argument of `\(statement.keyword)`") }
        if let block = statement.block {
            requireInBounds(block.open, sources, "block of `\(statement.keyword)`")
            if let close = block.close { requireInBounds(close, sources, "block end of `\(statement.keyword)`") }
            requireInBounds(block.statements, sources)
        }
    }
}

/// Lexer invariants: tokens in order, inside the file, ending with one end-of-file token.
func checkTokens(of file: SourceFile) {
    let lexed = Lexer.lex(file)
    require(!lexed.tokens.isEmpty, "lexer returned no tokens")
    var previousEnd = 0
    for (i, token) in lexed.tokens.enumerated() {
        require(token.span.file == file.id, "token in wrong file")
        require(token.span.start >= previousEnd && token.span.end <= file.bytes.count,
                "token \(i) at \(token.span.start)..<\(token.span.end) overlaps the previous one (ends \(previousEnd)) or the end (\(file.bytes.count))")
        previousEnd = token.span.end
        if case .endOfFile = token.kind {
            require(i == lexed.tokens.count - 1 && token.span.start == file.bytes.count, "end-of-file token not last or not at the end")
        }
    }
    if case .endOfFile = lexed.tokens.last!.kind {} else { require(false, "last token is not end of file") }
    for comment in lexed.comments { require(comment.span.end <= file.bytes.count, "comment beyond end of file") }
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(UnsafeBufferPointer(start: data, count: size))
    // The root is read through the same reader, so it stays raw bytes (no String round trip).
    let loaded: LoadedSpec
    do {
        loaded = try SpecLoader.load(path: FuzzInput.rootPath, read: input.reader)
    } catch {
        fatalError("root file unreadable although it is always in the map: \(error)")
    }
    let compilation = Compiler.compile(loaded)
    let sources = compilation.sources

    require(!sources.files.isEmpty && sources.files[0].path == FuzzInput.rootPath, "root file not loaded first")
    require(loaded.trees.count == sources.files.count, "\(sources.files.count) files loaded but \(loaded.trees.count) trees")
    requireInBounds(loaded.statements, sources)
    for tree in loaded.trees {
        let file = sources[tree.file]
        checkTokens(of: file)
        requireInBounds(tree.statements, sources)
        // Any byte that is not UTF-8 must be reported as an error, wherever it is.
        if String(validating: file.bytes, as: UTF8.self) == nil {
            require(tree.hasErrors, "invalid UTF-8 in \(file.path) but no error reported")
        }
        // Every line can be shown by a renderer.
        for line in 0..<file.lineStarts.count { _ = file.lineText(line) }
    }
    for d in compilation.diagnostics {
        requireInBounds(d.primary.span, sources, "diagnostic \(d.id) `\(d.message)`")
        for label in d.secondary { requireInBounds(label.span, sources, "secondary label of \(d.id)") }
        require(!d.message.isEmpty, "diagnostic \(d.id) has an empty message")
        _ = sources.location(d.primary.span)
        _ = sources.endLocation(d.primary.span)
    }
    if compilation.architecture == nil {
        // No model means something was wrong, and the user must be told what.
        require(compilation.hasErrors, "no architecture compiled, yet no error reported")
    }
    // What `strata check` does next: run every rule over a spec that compiled.
    let checked = Checker.check(compilation)
    for d in checked.report?.diagnostics ?? [] {
        requireInBounds(d.primary.span, sources, "finding \(d.id) `\(d.message)`")
        for label in d.secondary { requireInBounds(label.span, sources, "secondary label of finding \(d.id)") }
    }
    let sorted = checked.diagnostics
    require(sorted.count == compilation.diagnostics.count + (checked.report?.diagnostics.count ?? 0), "sorting lost diagnostics")
    // Rendering is slow relative to parsing (terminal widths per scalar); a few
    // diagnostics exercise every renderer path without dominating the run.
    _ = TextRenderer(sources: sources, color: false).render(Array(sorted.prefix(16)))
    return 0
}

// MARK: Entry point (see /work/shared/design/fuzzing.md)

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links executables with `--defsym main=<module>_main`; hand control to libFuzzer.
@_cdecl("StrataFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc, vector = argv
    return LLVMFuzzerRunDriver(&count, &vector, fuzzOne)
}

/// libFuzzer's own `main` (pulled from its archive by the linker) refers to this
/// symbol; without it the link fails. The `--defsym` above still picks our entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOne(data, size) }
