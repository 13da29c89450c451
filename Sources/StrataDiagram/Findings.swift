import StrataDiagnostics
import StrataModel

/// A checker finding with the model element it blames, ready to be numbered.
struct PreparedFinding {
    let rule: String
    let severity: Severity
    let message: String
    /// `store orders-db`, `endpoint orders.create`, `architecture shop`.
    let subject: String
    /// The blamed element, then the elements enclosing it, ending with the architecture.
    let chain: [ModelElement]
}

/// Maps a diagnostic to the model element whose declaration contains its primary span.
///
/// Findings are numbered by severity (errors first), then subject, rule and message:
/// never by source position, so that the picture does not change when
/// declarations are reordered.
struct FindingLocator {
    private let candidates: [(span: Span, element: ModelElement)]
    private let architecture: Architecture

    init(_ a: Architecture) {
        architecture = a
        // The model keeps the spans of names and statements, not of whole blocks: a declaration's
        // extent is the range from its first to its last known span (blocks never overlap).
        var c: [(Span, ModelElement)] = [(a.span, .architecture)]
        func extent(_ spans: [Span?]) -> Span? {
            let known = spans.compactMap { $0 }
            guard var result = known.first else { return nil }
            for s in known.dropFirst() where s.file == result.file { result = result.merged(with: s) }
            return result
        }
        func stepSpans(_ steps: [Step]) -> [Span] {
            var spans: [Span] = []
            for step in steps {
                switch step {
                case .work(_, let span): spans.append(span)
                case .call(let call): spans.append(call.span)
                case .read(let access), .write(let access): spans.append(access.span)
                case .parallel(let inner, let span): spans.append(span); spans += stepSpans(inner)
                }
            }
            return spans
        }
        if let access = a.access {
            if let span = extent([access.span] + access.cdn.map(\.span) + access.allows.map(\.span)) { c.append((span, .access)) }
            for rule in access.cdn { c.append((rule.span, .cdn)) }
        }
        if let d = a.discovery, let span = extent([d.span, d.placement?.span] + d.allows.map(\.span)) { c.append((span, .discovery)) }
        for g in a.gateways {
            let spans: [Span?] = [g.span, g.placement.span, g.auth?.span] + g.routes.flatMap { [$0.span, $0.serviceSpan] } + g.allows.map(\.span)
            if let span = extent(spans) { c.append((span, .component(ComponentID(.gateway, g.name)))) }
        }
        for s in a.services {
            var spans: [Span?] = [s.span, s.placement.span, s.key?.span, s.cap?.span, s.autoscale?.span, s.capacityPerSecond?.span, s.loadPerSecond?.span]
            spans += s.allows.map(\.span)
            for e in s.endpoints {
                let own: [Span?] = [e.span, e.budgetMilliseconds?.span, e.slo?.span] + stepSpans(e.steps) + e.allows.map(\.span)
                if let span = extent(own) { c.append((span, .endpoint(s.name, e.name))) }
                spans += own
            }
            if let span = extent(spans) { c.append((span, .component(ComponentID(.service, s.name)))) }
        }
        for s in a.stores {
            let spans: [Span?] = [s.span, s.consistency.span, s.placement.span, s.replication.span, s.quorumSpan, s.leader?.span] + s.allows.map(\.span)
            if let span = extent(spans) { c.append((span, .component(ComponentID(.store, s.name)))) }
        }
        for d in a.topology.domains.dropFirst() {
            if let span = d.span { c.append((span, .domain(d.name))) }
        }
        for s in a.sets { if let span = s.span { c.append((span, .set(s.name))) } }
        candidates = c
    }

    /// The innermost element whose span contains `span` (the architecture when none does).
    func element(containing span: Span) -> ModelElement {
        var best: (length: Int, element: ModelElement)?
        for (s, e) in candidates where s.file == span.file && s.start <= span.start && span.end <= s.end {
            let length = s.end - s.start
            if best == nil || length < best!.length { best = (length, e) }
        }
        return best?.element ?? .architecture
    }

    /// The element, then every element enclosing it, up to the architecture.
    func chain(_ element: ModelElement) -> [ModelElement] {
        var result = [element]
        var current = element
        while let next = enclosing(current) {
            result.append(next)
            current = next
        }
        return result
    }

    private func enclosing(_ e: ModelElement) -> ModelElement? {
        let topology = architecture.topology
        switch e {
        case .architecture: return nil
        case .access, .sets: return .architecture
        case .cdn: return .access
        case .discovery: return architecture.discovery?.placement != nil ? .component(ComponentID(.registry, "registry")) : .architecture
        case .component(let c) where c.kind == .registry: return .architecture
        case .component: return .architecture
        case .endpoint(let s, _): return .component(ComponentID(.service, s))
        case .set: return .sets
        case .domain(let name):
            guard let id = topology.domain(named: name), let parent = topology[id].parent, parent != topology.root else { return .architecture }
            return .domain(topology[parent].name)
        }
    }

    /// How the findings panel names an element.
    func subject(_ e: ModelElement) -> String {
        switch e {
        case .architecture: "architecture \(architecture.name)"
        case .access: "access layer"
        case .cdn: "CDN"
        case .discovery: "discovery"
        case .sets: "sets"
        case .domain(let name):
            if let id = architecture.topology.domain(named: name) { "\(architecture.topology[id].level) \(name)" } else { name }
        case .set(let name): "set \(name)"
        case .component(let c): c.kind == .registry ? "discovery registry" : "\(c.kind.rawValue) \(c.name)"
        case .endpoint(let s, let e): "endpoint \(s).\(e)"
        }
    }

    /// Unsuppressed diagnostics, prepared and in badge order.
    func prepare(_ diagnostics: [Diagnostic]) -> [PreparedFinding] {
        let prepared = diagnostics.filter { $0.suppression == nil }.map { d -> PreparedFinding in
            let element = self.element(containing: d.primary.span)
            return PreparedFinding(rule: d.id, severity: d.severity, message: d.message, subject: subject(element), chain: chain(element))
        }
        return prepared.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.subject != b.subject { return a.subject < b.subject }
            if a.rule != b.rule { return a.rule < b.rule }
            return a.message < b.message
        }
    }
}
