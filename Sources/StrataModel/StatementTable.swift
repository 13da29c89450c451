import StrataDiagnostics
import StrataSyntax

// How the resolver reads a block: each block kind has a table of statements whose entries are
// the catalogue's ``StatementInfo`` and the handler that applies the statement to the block's reader.

/// What reads one block's statements: the block's draft, filled in by the handlers of its table.
protocol StatementReader: SendableMetatype {
    var sink: DiagnosticSink { get }
}

/// One row of a statement table: the catalogue entry and the handler that applies the statement to the reader.
struct StatementEntry<Reader: StatementReader>: Sendable {
    typealias Handler = @Sendable (inout Reader, Statement, StatementInfo) -> Void

    let keyword: String
    let usage: String
    let example: String
    let summary: String
    let opens: BlockKind?
    /// Nil for `include`: ``SpecLoader`` splices it before resolution, so the resolver never sees one.
    let apply: Handler?

    /// An entry whose example defaults to its usage (when the usage is itself a complete statement).
    init(_ keyword: String, usage: String, example: String? = nil, summary: String, opens: BlockKind? = nil, apply: Handler?) {
        self.keyword = keyword
        self.usage = usage
        self.example = example ?? usage
        self.summary = summary
        self.opens = opens
        self.apply = apply
    }

    /// `include "path"`, which the loader handles.
    static var include: StatementEntry {
        StatementEntry("include", usage: "include \"path\"", example: "include \"audit.strata\"",
                       summary: "splices the statements of another file here, its path relative to this file", apply: nil)
    }
}

/// The statements of one block kind: what the catalogue lists and what the resolver dispatches.
struct StatementTable<Reader: StatementReader>: Sendable {
    let block: BlockKind
    /// How messages name the block: "a service", "`architecture`".
    let context: String
    let infos: [StatementInfo]
    /// The keywords the resolver dispatches, in table order (what the "unknown statement" help lists).
    let accepted: [String]
    private let handlers: [String: (info: StatementInfo, apply: StatementEntry<Reader>.Handler)]

    init(_ block: BlockKind, context: String, _ entries: [StatementEntry<Reader>]) {
        self.block = block
        self.context = context
        infos = entries.map {
            StatementInfo(keyword: $0.keyword, block: block, usage: $0.usage, example: $0.example, summary: $0.summary, opens: $0.opens)
        }
        var accepted: [String] = []
        var handlers: [String: (info: StatementInfo, apply: StatementEntry<Reader>.Handler)] = [:]
        var seen: Set<String> = []
        for (entry, info) in zip(entries, infos) {
            precondition(seen.insert(entry.keyword).inserted, "`\(entry.keyword)` is listed twice in \(block)")
            guard let apply = entry.apply else { continue }
            accepted.append(entry.keyword)
            handlers[entry.keyword] = (info, apply)
        }
        self.accepted = accepted
        self.handlers = handlers
    }

    /// The catalogue entry of `keyword`, which the table must hold.
    func info(_ keyword: String) -> StatementInfo {
        guard let info = infos.first(where: { $0.keyword == keyword }) else { preconditionFailure("`\(keyword)` is not a statement of \(block)") }
        return info
    }

    /// Applies each statement through its handler; a keyword the table lacks goes to `unknown`,
    /// by default the "is not a statement of" error listing ``accepted``.
    func read(_ statements: [Statement], into reader: inout Reader, unknown: ((inout Reader, Statement) -> Void)? = nil) {
        for statement in statements {
            if let handler = handlers[statement.keyword] {
                handler.apply(&reader, statement, handler.info)
            } else if let unknown {
                unknown(&reader, statement)
            } else {
                reader.sink.unknownStatement(statement, in: context, accepted: accepted)
            }
        }
    }
}

/// A reader that collects `allow RULE "reason"`.
protocol AllowReader: StatementReader {
    var allows: [Allow] { get set }
}

extension StatementEntry where Reader: AllowReader {
    /// `allow RULE "reason"`, accepted the same way in every block that takes it.
    static var allow: StatementEntry {
        StatementEntry("allow", usage: "allow RULE \"reason\"", example: "allow single-instance \"reason\"",
                       summary: "suppresses a checker rule for this block and the blocks inside it; the reason is shown in reports") { r, s, info in
            if let a = r.sink.allow(s, usage: info.usage, example: info.example) { r.allows.append(a) }
        }
    }
}

/// A reader that tracks single-valued statements, reporting the second of each.
protocol TrackingReader: StatementReader {
    var tracker: StatementTracker { get set }
}

extension StatementEntry where Reader: TrackingReader {
    /// A statement that may appear once in its block and takes no block of its own: a repeat
    /// or a stray block is reported, `read` consumes the arguments, and leftovers are reported against the usage.
    /// `key` names the property when two keywords set the same one (`stateful`, `stateless`).
    static func single(_ keyword: String, key: String? = nil, usage: String, example: String? = nil, summary: String,
                       read: @escaping @Sendable (inout Reader, inout ArgumentCursor, StatementInfo) -> Void) -> StatementEntry {
        StatementEntry(keyword, usage: usage, example: example, summary: summary) { r, s, info in
            guard r.tracker.first(s, key: key), r.sink.noBlock(s) else { return }
            var c = ArgumentCursor(s, sink: r.sink)
            read(&r, &c, info)
            c.finish(usage: info.usage)
        }
    }
}

extension StatementInfo {
    /// The alternative of an `A | B` usage that starts with `prefix`, or the whole usage when none does.
    func form(startingWith prefix: String) -> String {
        usage.split(separator: " | ").first { $0.hasPrefix(prefix) }.map(String.init) ?? usage
    }
}
