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
    /// Each finding blames its ``Diagnostic/subject``, the block the rule named. A diagnostic
    /// without one (the checker's `allow` naming no rule, E0404) blames the innermost block
    /// whose declaration holds its primary span.
    static func ordered(_ diagnostics: [Diagnostic], in architecture: Architecture) -> [PreparedFinding] {
        let unsuppressed = diagnostics.filter { $0.suppression == nil }
        let extents = unsuppressed.contains { $0.subject == nil } ? DeclarationExtents(architecture) : nil
        let prepared = unsuppressed.map { d -> PreparedFinding in
            let subject = d.subject ?? extents!.innermostBlock(containing: d.primary.span)
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
        case .sets, .access, .discovery, .gateway, .service, .store: [subject, .architecture]
        }
    }

    /// How the findings panel names a block.
    static func name(_ subject: Subject, in architecture: Architecture) -> String {
        switch subject {
        case .architecture: "architecture \(architecture.name)"
        case .access: "access layer"
        case .discovery: "discovery"
        case .sets: "sets"
        case .gateway(let name): "gateway \(name)"
        case .service(let name): "service \(name)"
        case .store(let name): "store \(name)"
        case .endpoint(let service, let endpoint): "endpoint \(service).\(endpoint)"
        }
    }
}

/// Where each block a ``Subject`` can name is declared, for the diagnostics that come without a
/// subject (the rules give every finding one).
///
/// The model keeps the spans of names and statements, not of whole blocks: a block's extent is
/// the range from its first to its last known span (blocks never overlap).
struct DeclarationExtents {
    private var extents: [(span: Span, block: Subject)] = []

    init(_ a: Architecture) {
        extents.append((a.span, .architecture))
        let sets: [Span?] = a.sets.map(\.span) + a.striping.allows.map(\.span)
        add(.sets, sets)
        if let access = a.access { add(.access, [access.span] + access.cdn.map(\.span) + access.allows.map(\.span)) }
        if let d = a.discovery { add(.discovery, [d.span, d.placement?.span] + d.allows.map(\.span)) }
        for g in a.gateways {
            add(.gateway(g.name), [g.span, g.placement.span, g.auth?.span] + g.routes.flatMap { [$0.span, $0.serviceSpan] } + g.allows.map(\.span))
        }
        for s in a.services {
            var spans: [Span?] = [s.span, s.placement.span, s.key?.span, s.cap?.span, s.autoscale?.span, s.capacityPerSecond?.span, s.loadPerSecond?.span]
            spans += s.allows.map(\.span)
            for e in s.endpoints {
                let own: [Span?] = [e.span, e.budgetMilliseconds?.span, e.slo?.span] + DeclarationExtents.spans(of: e.steps) + e.allows.map(\.span)
                add(.endpoint(service: s.name, endpoint: e.name), own)
                spans += own
            }
            add(.service(s.name), spans)
        }
        for s in a.stores {
            add(.store(s.name), [s.span, s.consistency.span, s.placement.span, s.replication.span, s.quorumSpan, s.leader?.span] + s.allows.map(\.span))
        }
    }

    /// The innermost block whose extent holds `span` (the architecture when none does).
    func innermostBlock(containing span: Span) -> Subject {
        var best: (length: Int, block: Subject)?
        for (extent, block) in extents where extent.file == span.file && extent.start <= span.start && span.end <= extent.end {
            let length = extent.end - extent.start
            if best == nil || length < best!.length { best = (length, block) }
        }
        return best?.block ?? .architecture
    }

    private mutating func add(_ block: Subject, _ spans: [Span?]) {
        let known = spans.compactMap { $0 }
        guard var extent = known.first else { return }
        for s in known.dropFirst() where s.file == extent.file { extent = extent.merged(with: s) }
        extents.append((extent, block))
    }

    private static func spans(of steps: [Step]) -> [Span] {
        var spans: [Span] = []
        for step in steps {
            switch step {
            case .work(_, let span): spans.append(span)
            case .call(let call): spans.append(call.span)
            case .read(let access), .write(let access): spans.append(access.span)
            case .parallel(let inner, let span): spans.append(span); spans += DeclarationExtents.spans(of: inner)
            }
        }
        return spans
    }
}
