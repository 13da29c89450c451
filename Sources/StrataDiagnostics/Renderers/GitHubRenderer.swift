/// Renders diagnostics as GitHub Actions workflow commands, which the runner
/// turns into annotations on the pull request:
///
/// ```
/// ::error file=specs/a.strata,line=3,col=8,endLine=3,endColumn=12,title=E0103::string literal is not closed%0Ahelp: close the string with `"`
/// ```
///
/// Errors become `::error`, warnings `::warning`, notes `::notice`. Notes,
/// help and secondary labels follow the message on their own lines.
/// Property values escape `%`, CR, LF, `:` and `,`; the message escapes
/// `%`, CR and LF, as the runner expects; every other control, bidirectional or
/// invisible character is shown as `\u{1B}` (``VisibleText``) in both.
/// Suppressed diagnostics are left out.
/// Each skipped rule ends the output as a `::notice` on its spec file:
///
/// ```
/// ::notice file=specs/a.strata,title=failover-capacity skipped::rule failover-capacity skipped: no service declares …
/// ```
public struct GitHubRenderer: DiagnosticRenderer {
    /// The files the diagnostics point into.
    public let sources: SourceManager
    /// Rules that did not (fully) run.
    public let skipped: [SkippedCheck]

    /// Creates a renderer.
    public init(sources: SourceManager) {
        self.init(sources: sources, skipped: [])
    }

    /// Creates a renderer that also writes a notice per skipped rule.
    public init(sources: SourceManager, skipped: [SkippedCheck]) {
        self.sources = sources
        self.skipped = skipped
    }

    /// One workflow command line per unsuppressed diagnostic, in output order, then one notice per skipped rule.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.sortedForOutput().filter { $0.suppression == nil }.map(command).joined() + skipped.map(notice).joined()
    }

    private func notice(_ skip: SkippedCheck) -> String {
        var properties: [(String, String)] = []
        if let file = skip.file { properties.append(("file", file)) }
        properties.append(("title", (skip.rule ?? "rules") + " skipped"))
        let propertyList = properties.map { "\($0.0)=\(GitHubRenderer.escapeProperty($0.1))" }.joined(separator: ",")
        return "::notice \(propertyList)::\(GitHubRenderer.escapeData(skip.message))\n"
    }

    private func command(_ diagnostic: Diagnostic) -> String {
        let span = ResolvedSpan(diagnostic.primary.span, in: sources)
        let properties: [(String, String)] = [
            ("file", span.path),
            ("line", String(span.start.line)),
            ("col", String(span.start.column)),
            ("endLine", String(span.end.line)),
            ("endColumn", String(span.end.column)),
            ("title", diagnostic.id),
        ]
        var lines = [diagnostic.message]
        if let label = diagnostic.primary.message { lines.append("here: " + label) }
        for label in diagnostic.secondary {
            let related = ResolvedSpan(label.span, in: sources)
            lines.append("see \(related.path):\(related.start.line):\(related.start.column)" + (label.message.map { ": " + $0 } ?? ""))
        }
        lines += diagnostic.notes.map { "note: " + $0 }
        if let help = diagnostic.help { lines.append("help: " + help) }

        let propertyList = properties.map { "\($0.0)=\(GitHubRenderer.escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(GitHubRenderer.command(diagnostic.severity)) \(propertyList)::\(GitHubRenderer.escapeData(lines.joined(separator: "\n")))\n"
    }

    /// The workflow command for a severity: `error`, `warning` or `notice`.
    public static func command(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "notice"
        }
    }

    /// Escapes a command's message as GitHub's toolkit does (`%` → `%25`, CR → `%0D`,
    /// LF → `%0A`), after showing every other control, bidirectional and invisible
    /// character as `\u{1B}` (see ``VisibleText``): the runner would pass those to the
    /// log and the annotation unchanged.
    public static func escapeData(_ text: String) -> String {
        var out = ""
        for scalar in VisibleText.escaped(text, keeping: VisibleText.lineBreaks).unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Escapes a property value (`file=`, `title=`): as ``escapeData(_:)`` plus `:` → `%3A`
    /// and `,` → `%2C`, which would otherwise end the value.
    public static func escapeProperty(_ text: String) -> String {
        var out = ""
        for scalar in escapeData(text).unicodeScalars {
            switch scalar {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
