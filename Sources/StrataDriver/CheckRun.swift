import StrataDiagnostics
import StrataSyntax

/// `strata check`: every spec checked into one run, then rendered in each requested format.
///
/// The specs share one source manager, so every renderer can show the source lines of any file
/// a diagnostic points into. Writing the text where a request says is the front end's job.
public struct CheckRun: Sendable {
    /// Every diagnostic of every spec (compiler and rules), in output order.
    public let diagnostics: [Diagnostic]
    /// Rules that could not fully run, per spec; a spec with errors is one skip without a rule.
    public let skipped: [SkippedCheck]
    /// One report per spec, with `--report`; nil without.
    public let reports: [SpecReport]?
    /// The rule settings the specs were checked with.
    public let settings: RuleSettings
    /// Which findings fail the run.
    public let policy: FailurePolicy
    /// The specs that could not be read, in the order given.
    public let unreadable: [SpecReadError]
    /// Every file read, for the renderers' source lines.
    public let sources: SourceManager

    /// Checks each of `specs` in the order given; a spec named twice (however spelled) is checked once.
    /// `includeRoot` confines every spec and every include (`--include-root`); nil: each spec's folder.
    public init(specs: [String], settings: RuleSettings, failOn: FailOnLevel, report: Bool, includeRoot: String? = nil) {
        let sources = SourceManager()
        var diagnostics: [Diagnostic] = []
        var skipped: [SkippedCheck] = []
        var reports: [SpecReport] = []
        var unreadable: [SpecReadError] = []
        var seen: Set<String> = []
        for path in specs where seen.insert(SpecLoader.normalize(path)).inserted {
            do {
                let loaded = try SpecLoader.load(path: path, includeRoot: includeRoot, sources: sources)
                let checked = Pipeline.check(Pipeline.compile(loaded), options: settings.options)
                diagnostics += checked.diagnostics
                if checked.report == nil {
                    skipped.append(SkippedCheck(rule: nil, reason: "the spec has errors, so no rule ran", file: path))
                } else {
                    skipped += checked.skipped.map { SkippedCheck(rule: $0.rule, reason: $0.reason, file: path) }
                }
                if report { reports.append(SpecReport(file: path, checked: checked)) }
            } catch {
                unreadable.append(SpecReadError(path: path, reason: "\(error)"))
            }
        }
        self.diagnostics = diagnostics.sortedForOutput()
        self.skipped = skipped
        self.reports = report ? reports : nil
        self.settings = settings
        self.policy = failOn.policy
        self.unreadable = unreadable
        self.sources = sources
    }

    /// True when a finding is at or above the `--fail-on` level (compiler errors always are).
    public var fails: Bool { policy.fails(on: diagnostics) }

    /// The run in the request's format. `color` says whether text written to standard output
    /// may be coloured (a terminal, `NO_COLOR` unset, no `--no-color`); files never are.
    public func render(_ request: OutputRequest, color: Bool) -> String {
        let rules = Pipeline.ruleDescriptors
        switch request.format {
        case .text:
            let color = color && request.destination == .standardOutput
            var text = TextRenderer(sources: sources, color: color, summary: true, skipped: skipped).render(diagnostics)
            if let reports {
                text += reports.map { "\n" + $0.text }.joined()
            }
            return text
        case .json:
            let sections: [String: JSONValue] = reports.map { ["report": .array($0.map(\.json))] } ?? [:]
            return JSONRenderer(sources: sources, rules: rules, skipped: skipped, sections: sections).render(diagnostics)
        case .sarif:
            return SARIFRenderer(sources: sources, rules: rules, skipped: skipped, overrides: settings.overrides)
                .render(diagnostics)
        case .github:
            return GitHubRenderer(sources: sources, skipped: skipped).render(diagnostics)
        case .junit:
            return JUnitRenderer(sources: sources, rules: rules.filter { !settings.disabled.contains($0.id) },
                                 failurePolicy: policy, skipped: skipped).render(diagnostics)
        }
    }
}
