import StrataDiagnostics
import StrataSyntax

/// `strata fmt` on one file: read, parse, format in the canonical layout, and rewrite it only
/// when its layout changes (with `checkOnly`, never). Included files are not followed.
public struct FormatJob: Sendable {
    /// What formatting one file did or found.
    public enum Outcome: Hashable, Sendable {
        /// The file is already canonical.
        case unchanged
        /// The file was rewritten in the canonical layout.
        case rewritten
        /// With `checkOnly`: the file is not canonical; `hint` shows its first changed region.
        case wouldChange(hint: String)
        /// The file has syntax errors (nothing was written); `rendered` is their text rendering.
        case syntaxErrors(rendered: String)
        /// The file could not be read or written: `cannot read PATH: reason` or `cannot write …`.
        case ioError(message: String)
    }

    /// Write nothing; report what would change.
    public let checkOnly: Bool
    /// Colour the rendering of syntax errors.
    public let color: Bool

    /// A job that rewrites files, or with `checkOnly` only reports them.
    public init(checkOnly: Bool, color: Bool) {
        self.checkOnly = checkOnly
        self.color = color
    }

    /// Formats the file at `path`.
    public func format(_ path: String) -> Outcome {
        let bytes: [UInt8]
        do {
            // As the compiler reads specs: a regular file within the size cap, never a FIFO or a
            // device (which would hang `fmt`), checked before any byte is read.
            bytes = try SpecLoader.readFile(path)
        } catch {
            return .ioError(message: "cannot read \(VisibleText.escaped(path)): \(error)")
        }
        let sources = SourceManager()
        let file = sources.add(path: path, bytes: bytes)
        let tree = Parser.parse(file)
        if tree.hasErrors {
            return .syntaxErrors(rendered: TextRenderer(sources: sources, color: color).render(tree.diagnostics))
        }
        let formatted = Array(StrataSyntax.Formatter.format(tree, source: file).utf8)
        if formatted == bytes { return .unchanged }
        if checkOnly {
            return .wouldChange(hint: ChangeHint(path: path, old: bytes, new: formatted).text)
        }
        do {
            try AtomicFile.write(formatted, to: path)
        } catch {
            return .ioError(message: "cannot write \(VisibleText.escaped(path)): \(error.reason)")
        }
        return .rewritten
    }
}

/// The first changed region of a file as a short unified-diff hunk
/// (`--- path`, `+++ path (formatted)`, `@@ -l,n +l,m @@`, `-old`, `+new`).
struct ChangeHint: Sendable {
    let path: String
    let old: [UInt8]
    let new: [UInt8]
    /// Lines shown per side; longer regions end with a `…` line.
    static let maxLinesPerSide = 6
    /// How far apart (in lines, both sides together) the two versions may drift before they agree again.
    static let maxResyncDistance = 400
    /// Lines that must agree for the versions to count as back in step.
    static let resyncLength = 2

    init(path: String, old: [UInt8], new: [UInt8]) {
        self.path = path
        self.old = old
        self.new = new
    }

    /// The hunk, or a note that only line breaks differ; ends with a newline.
    var text: String {
        let a = lines(old), b = lines(new)
        var start = 0
        while start < a.count, start < b.count, a[start] == b[start] { start += 1 }
        let shown = VisibleText.escaped(path)
        var out = "--- \(shown)\n+++ \(shown) (formatted)\n"
        if a == b { return out + "(only line breaks differ)\n" }
        let (removed, added) = changedRegion(a, b, from: start)
        out += "@@ -\(hunkRange(start, removed)) +\(hunkRange(start, added)) @@\n"
        out += side("-", a[start..<(start + removed)])
        out += side("+", b[start..<(start + added)])
        if a[(start + removed)...] != b[(start + added)...] { out += "(more changes further down)\n" }
        return out
    }

    /// The smallest numbers of lines (removed from `a`, added from `b`) after
    /// which both versions agree again for ``resyncLength`` lines (or both end).
    private func changedRegion(_ a: [String], _ b: [String], from start: Int) -> (Int, Int) {
        let limit = min(Self.maxResyncDistance, (a.count - start) + (b.count - start))
        if limit > 0 {
            for distance in 1...limit {
                for removed in 0...distance {
                    let added = distance - removed
                    if inStep(a, start + removed, b, start + added) { return (removed, added) }
                }
            }
        }
        return (a.count - start, b.count - start)
    }

    private func inStep(_ a: [String], _ i: Int, _ b: [String], _ j: Int) -> Bool {
        guard i <= a.count, j <= b.count else { return false }
        if i == a.count || j == b.count { return i == a.count && j == b.count }
        for k in 0..<Self.resyncLength {
            let x = i + k < a.count ? a[i + k] : nil
            let y = j + k < b.count ? b[j + k] : nil
            if x != y { return false }
            if x == nil { break }
        }
        return true
    }

    private func hunkRange(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }

    private func side(_ marker: String, _ lines: ArraySlice<String>) -> String {
        var out = ""
        for line in lines.prefix(Self.maxLinesPerSide) { out += marker + line + "\n" }
        if lines.count > Self.maxLinesPerSide { out += "\(marker)… (\(lines.count - Self.maxLinesPerSide) more lines)\n" }
        return out
    }

    /// Lines without terminators; trailing whitespace made visible as `·` so
    /// whitespace-only changes can be seen.
    private func lines(_ bytes: [UInt8]) -> [String] {
        var result = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line -> String in
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            var text = String(decoding: line, as: UTF8.self)
            var trailing = 0
            while let last = text.unicodeScalars.last, last == " " || last == "\t" {
                text.unicodeScalars.removeLast()
                trailing += 1
            }
            return text + String(repeating: "·", count: trailing)
        }
        if result.last == "" { result.removeLast() }
        return result
    }
}
