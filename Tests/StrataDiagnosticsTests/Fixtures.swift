import StrataDiagnostics

/// Small in-memory sources and diagnostics shared by the renderer tests.
struct Fixture {
    let sources = SourceManager()

    /// Adds a file and returns its id.
    func file(_ path: String, _ text: String) -> FileID {
        sources.add(path: path, text: text).id
    }

    /// The span of the first occurrence of `needle` in `file` (or of the `occurrence`-th, 1-based).
    func span(of needle: String, in file: FileID, occurrence: Int = 1, length: Int? = nil) -> Span {
        let haystack = sources[file].bytes
        let pattern = Array(needle.utf8)
        var found = 0
        for start in 0...(haystack.count - pattern.count) where Array(haystack[start..<(start + pattern.count)]) == pattern {
            found += 1
            if found == occurrence {
                return Span(file: file, start: start, end: start + (length ?? pattern.count))
            }
        }
        fatalError("\(needle) not found")
    }
}
