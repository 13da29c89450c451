import StrataDiagnostics
import StrataSyntax

/// Collects semantic diagnostics; shared by the resolver and its cursors.
final class DiagnosticSink {
    let sources: SourceManager
    private(set) var bag = DiagnosticBag()

    init(sources: SourceManager) { self.sources = sources }

    func emit(_ kind: DiagnosticKind, _ message: String, at span: Span, label: String? = nil,
              secondary: [Label] = [], notes: [String] = [], help: String? = nil) {
        bag.emit(kind, message, at: span, label: label, secondary: secondary, notes: notes, help: help)
    }

    /// Describes an argument for messages.
    func describe(_ argument: Argument) -> String { argument.describe(in: sources[argument.span.file]) }
}

/// Reads a statement's arguments left to right with typed accessors. Each
/// accessor reports a located diagnostic and returns nil on a mismatch.
struct ArgumentCursor {
    let statement: Statement
    let sink: DiagnosticSink
    private(set) var position: Int
    /// Set once an error was reported, so that a statement yields one diagnostic, not a cascade.
    private(set) var failed = false

    init(_ statement: Statement, sink: DiagnosticSink, from position: Int = 0) {
        self.statement = statement
        self.sink = sink
        self.position = position
    }

    var arguments: [Argument] { statement.arguments }
    var isAtEnd: Bool { position >= arguments.count }
    var peek: Argument? { isAtEnd ? nil : arguments[position] }

    /// The zero-width span just after the last argument read (where a missing argument belongs).
    var endSpan: Span {
        let anchor = position > 0 ? arguments[position - 1].span : statement.keywordSpan
        return Span(file: anchor.file, start: anchor.end, end: anchor.end)
    }

    mutating func advance() { position += 1 }

    /// The argument at the cursor, or nil after reporting it missing. An invalid
    /// literal (already reported by the lexer) fails the statement silently.
    mutating func current(_ what: String, example: String? = nil) -> Argument? {
        guard let arg = peek else { missing(what, example: example); return nil }
        if case .invalid = arg.kind { failed = true; return nil }
        return arg
    }

    /// Reports a missing argument.
    mutating func missing(_ what: String, example: String? = nil) {
        guard !failed else { return }
        failed = true
        sink.emit(Catalogue.invalidArgument, "`\(statement.keyword)` needs \(what)", at: endSpan, label: "expected \(what) here",
                  help: example.map { "write, for example, `\($0)`" })
    }

    /// Reports the argument at the cursor as the wrong kind.
    mutating func wrong(_ what: String, example: String? = nil) {
        guard !failed else { return }
        failed = true
        guard let arg = peek else { return missing(what, example: example) }
        sink.emit(Catalogue.invalidArgument, "`\(statement.keyword)` expects \(what), found \(sink.describe(arg))", at: arg.span,
                  help: example.map { "write, for example, `\($0)`" })
    }

    /// Reports an out-of-range value at `span`.
    mutating func outOfRange(_ message: String, at span: Span, help: String? = nil) {
        guard !failed else { return }
        failed = true
        sink.emit(Catalogue.outOfRange, message, at: span, help: help)
    }

    /// Reports any arguments left over.
    mutating func finish(usage: String) {
        guard !failed, let arg = peek else { return }
        failed = true
        if case .invalid = arg.kind { return }
        let last = arguments[arguments.count - 1].span
        sink.emit(Catalogue.invalidArgument, "unexpected \(sink.describe(arg)) in `\(statement.keyword)`", at: arg.span.merged(with: last),
                  help: "`\(statement.keyword)` is written `\(usage)`")
    }

    // MARK: Typed accessors

    /// A bare word.
    mutating func word(_ what: String, example: String? = nil) -> Located<String>? {
        guard let arg = current(what, example: example) else { return nil }
        guard case .word(let w) = arg.kind else { wrong(what, example: example); return nil }
        advance()
        return Located(w, arg.span)
    }

    /// One of a fixed set of words.
    mutating func choice(_ options: [String], what: String) -> Located<String>? {
        let list = options.map { "`\($0)`" }.joined(separator: ", ")
        guard let arg = current("\(what) (\(list))") else { return nil }
        guard case .word(let w) = arg.kind, options.contains(w) else { wrong("\(what): one of \(list)"); return nil }
        advance()
        return Located(w, arg.span)
    }

    /// Consumes `word` if it is next; returns whether it was.
    mutating func accept(_ word: String) -> Span? {
        guard let arg = peek, case .word(let w) = arg.kind, w == word else { return nil }
        advance()
        return arg.span
    }

    /// A declared name: a word that must be a lowercase DNS label.
    mutating func name(_ what: String) -> Located<String>? {
        guard let w = word(what) else { return nil }
        if let problem = Names.dnsLabelProblem(w.value) {
            failed = true
            sink.emit(Catalogue.invalidName, "`\(w.value)` is not a valid name: \(problem)", at: w.span,
                      help: Names.suggestion(for: w.value).map { "try `\($0)`" })
            return nil
        }
        return w
    }

    /// A qualified reference `service.endpoint`.
    mutating func qualified(_ what: String, example: String) -> Located<[String]>? {
        guard let arg = current(what, example: example) else { return nil }
        guard case .qualified(let parts) = arg.kind, parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else {
            wrong(what, example: example)
            return nil
        }
        advance()
        return Located(parts, arg.span)
    }

    mutating func string(_ what: String, example: String? = nil) -> Located<String>? {
        guard let arg = current(what, example: example) else { return nil }
        guard case .string(let s) = arg.kind else { wrong(what, example: example); return nil }
        advance()
        return Located(s, arg.span)
    }

    /// The longest duration a spec may write (365 days, in milliseconds): every duration is
    /// bounded when it is resolved, so that every later sum and conversion (to Envoy's
    /// nanoseconds, to whole milliseconds) stays finite and in range.
    static let maxDurationMilliseconds = 365.0 * 24 * 3_600_000
    /// The highest rate a spec may write, per second.
    static let maxRatePerSecond = 1_000_000_000.0

    /// A duration in milliseconds, at most ``maxDurationMilliseconds``; `allowZero` permits `0ms`.
    mutating func duration(_ what: String = "a duration", example: String = "80ms", allowZero: Bool = false) -> Located<Double>? {
        guard let arg = current(what, example: example) else { return nil }
        guard case .number(.duration(let ms)) = arg.kind else { wrong(what, example: example); return nil }
        advance()
        if !ms.isFinite || ms > Self.maxDurationMilliseconds {
            outOfRange("\(what) must be at most 365 days", at: arg.span, help: "durations lie between \(allowZero ? "0ms" : "1us") and 8760h (365 days)")
            return nil
        }
        if ms < 0 || (!allowZero && ms == 0) {
            outOfRange("\(what) must be greater than zero", at: arg.span)
            return nil
        }
        return Located(ms, arg.span)
    }

    /// A percentage in (0, 100], returned as a fraction (0...1].
    mutating func percentage(_ what: String = "a percentage", example: String = "99.95%") -> Located<Double>? {
        guard let arg = current(what, example: example) else { return nil }
        guard case .number(.percent(let p)) = arg.kind else { wrong(what, example: example); return nil }
        advance()
        guard p > 0, p <= 100 else {
            outOfRange("\(what) must lie between 0% and 100%", at: arg.span)
            return nil
        }
        return Located(p / 100, arg.span)
    }

    /// A rate in events per second, greater than zero.
    mutating func rate(_ what: String = "a rate", example: String = "2000/s") -> Located<Double>? {
        guard let arg = current(what, example: example) else { return nil }
        guard case .number(.rate(let r)) = arg.kind else { wrong(what, example: example); return nil }
        advance()
        guard r.isFinite, r <= Self.maxRatePerSecond else {
            outOfRange("\(what) must be at most 1000000000/s", at: arg.span, help: "rates lie above 0 and at most 1000000000/s")
            return nil
        }
        guard r > 0 else {
            outOfRange("\(what) must be greater than zero", at: arg.span)
            return nil
        }
        return Located(r, arg.span)
    }

    /// An integer within `range`.
    mutating func integer(_ what: String, in range: ClosedRange<Int>, example: String) -> Located<Int>? {
        guard let arg = current(what, example: example) else { return nil }
        guard case .number(.integer(let n)) = arg.kind else { wrong(what, example: example); return nil }
        advance()
        guard n >= Int64(range.lowerBound), n <= Int64(range.upperBound) else {
            outOfRange("\(what) must be between \(range.lowerBound) and \(range.upperBound), not \(n)", at: arg.span)
            return nil
        }
        return Located(Int(n), arg.span)
    }

    /// An integer range `lo..hi` with both bounds in `bounds` and lo ≤ hi.
    mutating func range(_ what: String, in bounds: ClosedRange<Int>, example: String) -> Located<ClosedRange<Int>>? {
        guard let arg = current(what, example: example) else { return nil }
        guard case .number(.range(let lo, let hi)) = arg.kind else { wrong(what, example: example); return nil }
        advance()
        guard lo <= hi else {
            outOfRange("\(what) must not have its minimum (\(lo)) above its maximum (\(hi))", at: arg.span)
            return nil
        }
        guard lo >= Int64(bounds.lowerBound), hi <= Int64(bounds.upperBound) else {
            outOfRange("\(what) must stay between \(bounds.lowerBound) and \(bounds.upperBound)", at: arg.span)
            return nil
        }
        return Located(Int(lo)...Int(hi), arg.span)
    }
}
