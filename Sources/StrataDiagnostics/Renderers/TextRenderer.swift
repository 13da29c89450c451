/// Renders diagnostics for a terminal: `path:line:col: error[id]: message`,
/// the source line with a caret underline, notes and help. (Stub: being implemented.)
public struct TextRenderer: Sendable {
    public let sources: SourceManager
    public let color: Bool
    public init(sources: SourceManager, color: Bool) {
        self.sources = sources
        self.color = color
    }
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { d in
            let loc = sources.location(d.primary.span)
            return "\(sources.path(d.primary.span)):\(loc.line):\(loc.column): \(d.severity.rawValue)[\(d.id)]: \(d.message)\n"
        }.joined()
    }
}
