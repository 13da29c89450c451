/// How serious a diagnostic is. Ordered: `note < warning < error`.
public enum Severity: String, Comparable, CaseIterable, Sendable, Codable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A span with an optional message, drawn under the source.
public struct Label: Hashable, Sendable {
    public let span: Span
    public let message: String?
    public init(_ span: Span, _ message: String? = nil) {
        self.span = span
        self.message = message
    }
}

/// Why a finding is not counted: an in-spec `allow RULE "reason"`.
public struct Suppression: Hashable, Sendable {
    public let reason: String
    public let span: Span?
    public init(reason: String, span: Span?) {
        self.reason = reason
        self.span = span
    }
}

/// One message from the compiler or a rule: id, severity, a self-contained
/// one-line message, a primary label, secondary labels, notes and help.
public struct Diagnostic: Hashable, Sendable {
    /// Stable id: a catalogue code such as `E0201`, or a rule name such as `survival`.
    public var id: String
    public var severity: Severity
    public var message: String
    public var primary: Label
    public var secondary: [Label]
    public var notes: [String]
    public var help: String?
    /// Set when an `allow` silenced this finding; it is then reported but never counted.
    public var suppression: Suppression?
    /// The model element a rule finding blames; nil for compiler diagnostics.
    public var subject: Subject?

    public init(
        id: String, severity: Severity, message: String, primary: Label,
        secondary: [Label] = [], notes: [String] = [], help: String? = nil,
        suppression: Suppression? = nil, subject: Subject? = nil
    ) {
        self.id = id
        self.severity = severity
        self.message = message
        self.primary = primary
        self.secondary = secondary
        self.notes = notes
        self.help = help
        self.suppression = suppression
        self.subject = subject
    }

    /// A diagnostic whose id, severity and help come from the catalogue.
    public init(
        _ entry: DiagnosticKind, _ message: String, at span: Span, label: String? = nil,
        secondary: [Label] = [], notes: [String] = [], help: String? = nil
    ) {
        self.init(
            id: entry.id, severity: entry.severity, message: message,
            primary: Label(span, label), secondary: secondary, notes: notes,
            help: help ?? entry.defaultHelp)
    }
}

/// Collects diagnostics of one compilation stage, in emission order.
public struct DiagnosticBag: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []
    public init() {}

    public mutating func append(_ d: Diagnostic) { diagnostics.append(d) }
    public mutating func append(contentsOf ds: [Diagnostic]) { diagnostics.append(contentsOf: ds) }

    /// Emits a catalogue diagnostic.
    public mutating func emit(
        _ kind: DiagnosticKind, _ message: String, at span: Span, label: String? = nil,
        secondary: [Label] = [], notes: [String] = [], help: String? = nil
    ) {
        diagnostics.append(Diagnostic(kind, message, at: span, label: label, secondary: secondary, notes: notes, help: help))
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error && $0.suppression == nil } }
}

extension Array where Element == Diagnostic {
    /// Sorted by file, position, then id and message: the order every renderer uses.
    public func sortedForOutput() -> [Diagnostic] {
        sorted { a, b in
            let (sa, sb) = (a.primary.span, b.primary.span)
            if sa.file != sb.file { return sa.file < sb.file }
            if sa.start != sb.start { return sa.start < sb.start }
            if sa.end != sb.end { return sa.end < sb.end }
            if a.id != b.id { return a.id < b.id }
            return a.message < b.message
        }
    }
}
