import StrataDiagnostics
import StrataSyntax

// What both harnesses share: the multi-file layout of one fuzz input, the invariant
// checks, and the entry point that hands control to libFuzzer.
//
// One fuzz input may hold several files. It is split at lines that start with
// `//@file NAME`: the bytes before the first such line are the root file
// `/fuzz/main.strata`, each later part is the file NAME (relative to `/fuzz/`).
// `include` statements are served from this in-memory map; a name that is not
// in the map fails to read, which exercises the loader's error path. The
// marker is an ordinary comment, so every input is also a plain spec file.

/// Inputs above this size are skipped (scripts/fuzz passes the same `-max_len`).
public let maxInputBytes = 64 << 10

/// The multi-file layout of one fuzz input.
public struct FuzzInput {
    public static let rootPath = "/fuzz/main.strata"
    static let marker: [UInt8] = Array("//@file ".utf8)

    /// File contents keyed by normalized absolute path.
    public let files: [String: [UInt8]]

    public init(_ data: UnsafeBufferPointer<UInt8>) {
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
    public var reader: FileReader {
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
public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant violated: \(message())") }
}

/// A span must name a loaded file and lie inside its bytes.
public func requireInBounds(_ span: Span, _ sources: SourceManager, _ what: @autoclosure () -> String) {
    require(span.file.index >= 0 && span.file.index < sources.files.count, "\(what()): span names unknown file \(span.file.index)")
    let size = sources[span.file].bytes.count
    require(span.start >= 0 && span.start <= span.end && span.end <= size,
            "\(what()): span \(span.start)..<\(span.end) outside file of \(size) bytes")
}

public func requireInBounds(_ statements: [Statement], _ sources: SourceManager) {
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
public func checkTokens(of file: SourceFile) {
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


/// Loads the input's root file and its includes from the in-memory map (never from disk).
public func loadInput(_ input: FuzzInput) -> LoadedSpec {
    do {
        return try SpecLoader.load(path: FuzzInput.rootPath, read: input.reader)
    } catch {
        fatalError("root file unreadable although it is always in the map: \(error)")
    }
}

// MARK: Entry point (see /work/shared/design/fuzzing.md)

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// Runs libFuzzer with `callback` as the target; each harness's `<Module>_main` calls this
/// (SwiftPM links executables with `--defsym main=<module>_main`).
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
    var count = argc, vector = argv
    return LLVMFuzzerRunDriver(&count, &vector, callback)
}
