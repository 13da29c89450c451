/// Counts of diagnostics by severity; suppressed ones are counted apart and in no severity.
public struct DiagnosticSummary: Hashable, Sendable, CustomStringConvertible {
    /// Unsuppressed errors.
    public let errors: Int
    /// Unsuppressed warnings.
    public let warnings: Int
    /// Unsuppressed notes.
    public let notes: Int
    /// Diagnostics silenced by an `allow`.
    public let suppressed: Int

    /// Counts `diagnostics`.
    public init(_ diagnostics: [Diagnostic]) {
        var errors = 0, warnings = 0, notes = 0, suppressed = 0
        for diagnostic in diagnostics {
            if diagnostic.suppression != nil {
                suppressed += 1
                continue
            }
            switch diagnostic.severity {
            case .error: errors += 1
            case .warning: warnings += 1
            case .note: notes += 1
            }
        }
        self.errors = errors
        self.warnings = warnings
        self.notes = notes
        self.suppressed = suppressed
    }

    /// E.g. `2 errors, 1 warning`, then `, 3 notes` and `, 1 suppressed` when non-zero.
    public var description: String {
        var parts = [DiagnosticSummary.count(errors, "error"), DiagnosticSummary.count(warnings, "warning")]
        if notes > 0 { parts.append(DiagnosticSummary.count(notes, "note")) }
        if suppressed > 0 { parts.append("\(suppressed) suppressed") }
        return parts.joined(separator: ", ")
    }

    private static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
