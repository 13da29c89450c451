import Foundation
import StrataDiagnostics
import StrataSyntax

/// Turns spliced statements into an ``Architecture``: checks every statement
/// against the schema of its block, resolves names and units, applies
/// defaults and places instances. Reports every problem it finds in one run.
struct Resolver {
    let sink: DiagnosticSink
    var diagnostics: [Diagnostic] { sink.bag.diagnostics }

    init(sources: SourceManager) { sink = DiagnosticSink(sources: sources) }

    static let table = StatementTable<TopLevelReader>(.file, context: "the top level", [
        StatementEntry("architecture", usage: "architecture NAME { ... }",
                       example: "architecture shop { topology { region east { city shanghai { idc sh-a } } } }",
                       summary: "the system a compilation describes; exactly one per compilation", opens: .architecture) { r, s, _ in
            if let first = r.architecture {
                r.sink.emit(Catalogue.multipleArchitectures, "a compilation declares one architecture; this is the second", at: s.headSpan,
                            secondary: [Label(first.headSpan, "first architecture declared here")])
            } else {
                r.architecture = s
            }
        },
        .include,
    ])

    /// Resolves the top level of a compilation.
    func resolve(_ statements: [Statement], rootFile: FileID) -> Architecture? {
        var r = TopLevelReader(sink: sink)
        Self.table.read(statements, into: &r) { r, statement in
            r.sink.emit(Catalogue.unknownStatement, "`\(statement.keyword)` cannot appear at the top level", at: statement.keywordSpan,
                        help: "the top level holds `architecture NAME { ... }` and `include \"file.strata\"`; put `\(statement.keyword)` inside the architecture")
        }
        guard let architecture = r.architecture else {
            sink.emit(Catalogue.emptySpec, "the spec declares no architecture", at: Span(file: rootFile, start: 0, end: 0))
            return nil
        }
        var builder = ArchitectureBuilder(sink: sink)
        return builder.build(architecture)
    }
}

/// What the top level of a compilation holds: its one architecture.
struct TopLevelReader: StatementReader {
    let sink: DiagnosticSink
    var architecture: Statement?
}

/// Tracks single-valued statements of one block to report duplicates.
struct StatementTracker {
    let sink: DiagnosticSink
    private var seen: [String: Span] = [:]

    init(sink: DiagnosticSink) { self.sink = sink }

    /// Returns false (and reports) when `statement`'s keyword (or `key`) was already seen in this block.
    mutating func first(_ statement: Statement, key: String? = nil) -> Bool {
        let k = key ?? statement.keyword
        if let earlier = seen[k] {
            sink.emit(Catalogue.duplicateStatement, "`\(k)` is given twice in this block", at: statement.headSpan,
                      secondary: [Label(earlier, "first given here")], help: "keep one `\(k)`")
            return false
        }
        seen[statement.keyword] = statement.headSpan
        if let key { seen[key] = statement.headSpan }
        return true
    }

    func span(of key: String) -> Span? { seen[key] }
}

extension DiagnosticSink {
    /// Reports a statement the block does not accept, listing what it accepts.
    func unknownStatement(_ statement: Statement, in context: String, accepted: [String]) {
        var help = "\(context) accepts: " + accepted.map { "`\($0)`" }.joined(separator: ", ")
        if statement.keyword == "include" {
            help = "`include` is allowed at the top level and directly inside `architecture`"
        } else if let near = closest(statement.keyword, in: accepted) {
            help = "did you mean `\(near)`? " + help
        }
        emit(Catalogue.unknownStatement, "`\(statement.keyword)` is not a statement of \(context)", at: statement.keywordSpan, help: help)
    }

    /// Reports a block given to a statement that takes none; returns false then.
    @discardableResult
    func noBlock(_ statement: Statement) -> Bool {
        guard let block = statement.block else { return true }
        emit(Catalogue.invalidArgument, "`\(statement.keyword)` does not take a block", at: block.open,
             help: "remove the `{ ... }` after `\(statement.keyword)`")
        return false
    }

    /// Returns the block of a statement that needs one, reporting its absence.
    func requireBlock(_ statement: Statement, example: String) -> Block? {
        if let block = statement.block { return block }
        emit(Catalogue.missingStatement, "`\(statement.keyword)` needs a block `{ ... }`", at: statement.headSpan,
             help: "write, for example, `\(example)`")
        return nil
    }

    /// Parses `allow RULE "reason"`, with the usage and example of its table entry.
    func allow(_ statement: Statement, usage: String, example: String) -> Allow? {
        noBlock(statement)
        var cursor = ArgumentCursor(statement, sink: self)
        guard let rule = cursor.word("the name of the rule to allow", example: example) else { return nil }
        guard let reason = cursor.string("a reason in quotes", example: "allow \(rule.value) \"why this is acceptable\"") else { return nil }
        cursor.finish(usage: usage)
        if reason.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            emit(Catalogue.invalidArgument, "the reason of `allow \(rule.value)` is empty", at: reason.span,
                 help: "say why the finding is acceptable; the reason is shown in reports")
            return nil
        }
        return Allow(rule: rule.value, reason: reason.value, span: statement.headSpan)
    }

    /// The accepted word closest to `word` by edit distance, if close enough to be a typo.
    func closest(_ word: String, in candidates: [String]) -> String? {
        EditDistance.closest(to: word, in: candidates) { _ in max(1, word.count / 3) }
    }
}


