/// Turns diagnostics into the text of one output format.
///
/// Renderers sort with ``Swift/Array/sortedForOutput()`` themselves and are
/// deterministic: the same diagnostics give byte-identical output.
public protocol DiagnosticRenderer: Sendable {
    /// The complete output for `diagnostics` (every file of the run), ending with a newline when non-empty.
    func render(_ diagnostics: [Diagnostic]) -> String
}

/// A span resolved to a path, line/column positions and byte offsets.
struct ResolvedSpan {
    let path: String
    let start: SourceLocation
    let end: SourceLocation
    let startOffset: Int
    let endOffset: Int

    init(_ span: Span, in sources: SourceManager) {
        let file = sources[span.file]
        path = file.path
        startOffset = min(max(0, span.start), file.bytes.count)
        endOffset = min(max(startOffset, span.end), file.bytes.count)
        start = file.location(of: startOffset)
        end = file.location(of: endOffset)
    }
}
