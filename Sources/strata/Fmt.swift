import ArgumentParser
import StrataDiagnostics
import StrataDriver
import StrataSyntax

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `strata fmt`: rewrites spec files in the canonical layout (see `StrataSyntax.Formatter`).
///
/// Each file is formatted on its own; included files are not followed.
/// Exit status: 0 when every file is (or now is) canonical; 1 when a file has
/// syntax errors, or with `--check` when a file would change; 2 when a file
/// cannot be read or written.
struct Fmt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite spec files in the canonical layout.",
        discussion: """
            Files are rewritten in place, and only when their layout changes. Each file \
            is formatted on its own: included files are not followed. Every comment is kept.
            With --check nothing is written: each file that would change is listed with \
            its first changed lines, and the exit status is 1 if any would change.
            """)

    @Flag(help: "Write nothing; list files that are not formatted and exit with status 1 if there are any.")
    var check = false

    @ArgumentParser.Argument(help: ArgumentHelp("The .strata files to format.", valueName: "spec"))
    var specs: [String]

    func run() throws {
        var unreadable = false
        var failed = false
        for path in specs {
            switch formatFile(at: path) {
            case .unchanged, .rewritten: break
            case .wouldChange, .syntaxErrors: failed = true
            case .ioError: unreadable = true
            }
        }
        if unreadable { throw ExitCode(2) }
        if failed { throw ExitCode(1) }
    }

    private enum Outcome {
        case unchanged, rewritten, wouldChange, syntaxErrors, ioError
    }

    private func formatFile(at path: String) -> Outcome {
        let bytes: [UInt8]
        do {
            bytes = try AtomicFile.read(path)
        } catch {
            Console.writeError("strata fmt: cannot read \(path): \(error.reason)\n")
            return .ioError
        }
        let sources = SourceManager()
        let file = sources.add(path: path, bytes: bytes)
        let tree = Parser.parse(file)
        if tree.hasErrors {
            let renderer = TextRenderer(sources: sources, color: Console.standardErrorWantsColor)
            Console.writeError(renderer.render(tree.diagnostics))
            return .syntaxErrors
        }
        let formatted = Array(StrataSyntax.Formatter.format(tree, source: file).utf8)
        if formatted == bytes { return .unchanged }
        if check {
            print("would reformat \(path)")
            print(ChangeHint(path: path, old: bytes, new: formatted).text, terminator: "")
            return .wouldChange
        }
        do {
            try AtomicFile.write(formatted, to: path)
        } catch {
            Console.writeError("strata fmt: cannot write \(path): \(error.reason)\n")
            return .ioError
        }
        return .rewritten
    }
}

// MARK: - Change hint

/// The first changed region of a file as a short unified-diff hunk
/// (`--- path`, `+++ path (formatted)`, `@@ -l,n +l,m @@`, `-old`, `+new`).
private struct ChangeHint {
    let path: String
    let old: [UInt8]
    let new: [UInt8]
    /// Lines shown per side; longer regions end with a `…` line.
    static let maxLinesPerSide = 6
    /// How far apart (in lines, both sides together) the two versions may drift before they agree again.
    static let maxResyncDistance = 400
    /// Lines that must agree for the versions to count as back in step.
    static let resyncLength = 2

    var text: String {
        let a = lines(old), b = lines(new)
        var start = 0
        while start < a.count, start < b.count, a[start] == b[start] { start += 1 }
        var out = "--- \(path)\n+++ \(path) (formatted)\n"
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
