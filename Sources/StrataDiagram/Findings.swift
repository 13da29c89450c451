import StrataDiagnostics
import StrataModel

/// A checker finding with the model element it blames, ready to be numbered.
struct PreparedFinding {
    let rule: String
    let severity: Severity
    let message: String
    /// How the findings panel names what the finding blames: `store orders-db`,
    /// `endpoint orders.create`, `architecture shop`.
    let subject: String
    /// The blamed block, then the blocks enclosing it, ending with the architecture: a view puts
    /// the badge on the first of them it draws.
    let chain: [Subject]

    /// The unsuppressed diagnostics in badge order: by severity (errors first), then subject,
    /// rule and message, never by source position, so that the picture does not change when
    /// declarations are reordered.
    ///
    /// Each finding blames its ``Diagnostic/subject``, the block the checker named (its rules,
    /// and its E0404 for an `allow` naming no rule, which blames the block holding the `allow`).
    /// A diagnostic without one (the checker never hands one over) goes on the architecture.
    static func ordered(_ diagnostics: [Diagnostic], in architecture: Architecture) -> [PreparedFinding] {
        let unsuppressed = diagnostics.filter { $0.suppression == nil }
        let prepared = unsuppressed.map { d -> PreparedFinding in
            let subject = d.subject ?? .architecture
            return PreparedFinding(rule: d.id, severity: d.severity, message: d.message,
                                   subject: name(subject, in: architecture), chain: chain(subject))
        }
        return prepared.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.subject != b.subject { return a.subject < b.subject }
            if a.rule != b.rule { return a.rule < b.rule }
            return a.message < b.message
        }
    }

    /// The block, then every block enclosing it, up to the architecture.
    static func chain(_ subject: Subject) -> [Subject] {
        switch subject {
        case .architecture: [.architecture]
        case .endpoint(let service, _): [subject, .service(service), .architecture]
        case .cdn: [subject, .access, .architecture]
        case .sets, .access, .discovery, .gateway, .service, .store: [subject, .architecture]
        }
    }

    /// How the findings panel names a block: as ``Subject/description`` names it, but the
    /// architecture with its name, the access layer and the CDN in words.
    static func name(_ subject: Subject, in architecture: Architecture) -> String {
        switch subject {
        case .architecture: "architecture \(architecture.name)"
        case .access: "access layer"
        case .cdn: "CDN"
        case .discovery, .sets, .gateway, .service, .store, .endpoint: subject.description
        }
    }
}
