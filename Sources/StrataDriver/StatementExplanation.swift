import StrataModel

/// What `strata explain KEYWORD` prints for a statement of the language, read from the resolver's
/// own statement tables (``StatementCatalogue``): the same usage text its errors quote.
public enum StatementExplanation {
    /// The explanation of `keyword`, one section per block that accepts it; nil when no block does.
    public static func text(for keyword: String) -> String? {
        let entries = StatementCatalogue.statement(named: keyword.lowercased())
        guard let first = entries.first else { return nil }
        var out = "statement `\(first.keyword)`\n"
        for entry in entries {
            out += "\nin \(entry.block == .file ? "a spec file (top level)" : "`\(entry.block)`"): \(entry.summary)\n"
            out += "  usage:    \(entry.usage)\n"
            out += "  example:  \(entry.example)\n"
        }
        out += "\nThe language reference is docs/language.md.\n"
        return out
    }

    /// Every statement keyword, for suggestions.
    public static var keywords: [String] {
        var seen: Set<String> = []
        return StatementCatalogue.all.map(\.keyword).filter { seen.insert($0).inserted }
    }
}
