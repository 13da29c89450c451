import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// One problem a rule found.
public struct Finding: Sendable {
    public var message: String
    public var span: Span
    public var label: String?
    public var secondary: [Label]
    public var notes: [String]
    public var help: String?
    public var subject: Subject

    public init(_ message: String, at span: Span, label: String? = nil, secondary: [Label] = [], notes: [String] = [],
                help: String? = nil, subject: Subject) {
        self.message = message
        self.span = span
        self.label = label
        self.secondary = secondary
        self.notes = notes
        self.help = help
        self.subject = subject
    }
}

/// What a rule's run produced: findings, and the parts it could not check for lack of input.
public struct RuleOutcome: Sendable {
    public var findings: [Finding] = []
    /// Why (part of) the rule was skipped, e.g. "no service declares `capacity`". Never silently a pass.
    public var skipped: [String] = []

    public init(findings: [Finding] = [], skipped: [String] = []) {
        self.findings = findings
        self.skipped = skipped
    }
}

/// The inputs of a rule: the architecture and its shared analyses (built once, see
/// ``ArchitectureAnalyses``).
public typealias RuleContext = ArchitectureAnalyses

extension ArchitectureAnalyses {
    /// The spec span of a component's placement (or its declaration).
    public func placementSpan(_ id: ComponentID) -> Span? {
        if let p = architecture.placement(of: id) { return p.span }
        return nil
    }
}

/// A checker rule: a stable kebab-case name, a default severity, a
/// one-paragraph doc (its first sentence is the title) and a run function.
public struct Rule: Sendable {
    public let name: String
    public let severity: Severity
    /// One line: what the rule reports.
    public let title: String
    /// One paragraph shown by `strata explain NAME`: what fires it, why it matters, how to fix it.
    public let doc: String
    public let run: @Sendable (RuleContext) -> RuleOutcome

    public init(name: String, severity: Severity, title: String, doc: String, run: @escaping @Sendable (RuleContext) -> RuleOutcome) {
        self.name = name
        self.severity = severity
        self.title = title
        self.doc = doc
        self.run = run
    }

    /// The descriptor renderers and `strata explain` use.
    public var descriptor: RuleDescriptor {
        RuleDescriptor(id: name, name: name, title: title, explanation: doc, help: nil, defaultSeverity: severity)
    }
}
