import FuzzSupport
import StrataDiagnostics
import StrataModel
import StrataSyntax

// libFuzzer harness over the front end, from raw bytes:
// lexer → parser → include loader → compiler (resolve + place) → text renderer.
// The rules and every later command path are StrataPipelineFuzzer's; this harness
// stays cheap so that it runs many inputs a second (see FuzzSupport for the
// multi-file input layout).
//
// Besides "must not crash, leak or hang", every input is checked against
// invariants that hold for any bytes; a violation aborts with a message.

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard size <= maxInputBytes else { return -1 }
    let input = FuzzInput(UnsafeBufferPointer(start: data, count: size))
    // The root is read through the same reader, so it stays raw bytes (no String round trip).
    let loaded = loadInput(input)
    let compilation = Compiler.compile(loaded)
    let sources = compilation.sources

    require(!sources.files.isEmpty && sources.files[0].path == FuzzInput.rootPath, "root file not loaded first")
    require(loaded.trees.count == sources.files.count, "\(sources.files.count) files loaded but \(loaded.trees.count) trees")
    requireInBounds(loaded.statements, sources)
    for tree in loaded.trees {
        let file = sources[tree.file]
        checkTokens(of: file)
        // With one file, its tree is what was just checked as the loaded statements.
        if loaded.trees.count > 1 { requireInBounds(tree.statements, sources) }
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
    // Rendering is slow relative to parsing (terminal widths per scalar); a few
    // diagnostics exercise every renderer path without dominating the run.
    _ = TextRenderer(sources: sources, color: false).render(Array(compilation.diagnostics.prefix(16)))
    return 0
}

/// SwiftPM links executables with `--defsym main=<module>_main`; hand control to libFuzzer.
@_cdecl("StrataFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}

/// libFuzzer's own `main` (pulled from its archive by the linker) refers to this
/// symbol; without it the link fails. The `--defsym` above still picks our entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOne(data, size) }
