import Foundation
import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// Runs rules over an architecture.
public enum Checker {
    /// Descriptors of every rule, for renderers and `strata explain`.
    public static var descriptors: [RuleDescriptor] { RuleRegistry.all.map(\.descriptor) }

    /// The same for an architecture outside the pipeline (tests, tools): its analyses are built here.
    public static func check(_ architecture: Architecture, rules: [Rule] = RuleRegistry.all, options: CheckOptions = CheckOptions()) -> CheckReport {
        check(ArchitectureAnalyses(architecture), rules: rules, options: options)
    }

    /// Runs every enabled rule over an architecture and its analyses, and applies severities and
    /// `allow` suppressions. Every finding keeps its subject.
    public static func check(_ context: ArchitectureAnalyses, rules: [Rule] = RuleRegistry.all, options: CheckOptions = CheckOptions()) -> CheckReport {
        let architecture = context.architecture
        let allows = AllowIndex(architecture)
        var diagnostics = allows.unknownRuleDiagnostics(known: Set(RuleRegistry.all.map(\.name)))
        var skipped: [SkippedRule] = []
        var ran: [String] = []
        // STRATA_RULE_TIMINGS=1 prints each rule's wall time to standard error (for profiling).
        let timings = ProcessInfo.processInfo.environment["STRATA_RULE_TIMINGS"] == "1"
        for rule in rules where !options.disabled.contains(rule.name) {
            ran.append(rule.name)
            let started = DispatchTime.now().uptimeNanoseconds
            let outcome = rule.run(context)
            if timings {
                let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                FileHandle.standardError.write(Data("rule \(rule.name): \(String(format: "%.1f", ms)) ms\n".utf8))
            }
            skipped.append(contentsOf: outcome.skipped.map { SkippedRule(rule: rule.name, reason: $0) })
            let severity = options.severities[rule.name] ?? rule.severity
            for f in outcome.findings {
                var d = Diagnostic(id: rule.name, severity: severity, message: f.message, primary: Label(f.span, f.label),
                                   secondary: f.secondary, notes: f.notes, help: f.help, subject: f.subject)
                if let allow = allows.allow(rule.name, for: f.subject) {
                    d.suppression = Suppression(reason: allow.reason, span: allow.span)
                }
                diagnostics.append(d)
            }
        }
        return CheckReport(diagnostics: diagnostics.sortedForOutput(), skipped: skipped, rulesRun: ran)
    }
}

/// Every `allow` of an architecture, indexed by the block it is written in.
struct AllowIndex {
    private var bySubject: [Subject: [Allow]] = [:]

    init(_ a: Architecture) {
        bySubject[.architecture] = a.allows
        bySubject[.sets] = a.striping.allows
        bySubject[.access] = a.access?.allows ?? []
        bySubject[.discovery] = a.discovery?.allows ?? []
        for g in a.gateways { bySubject[.gateway(g.name)] = g.allows }
        for s in a.stores { bySubject[.store(s.name)] = s.allows }
        for s in a.services {
            bySubject[.service(s.name)] = s.allows
            for e in s.endpoints { bySubject[.endpoint(service: s.name, endpoint: e.name)] = e.allows }
        }
    }

    /// The innermost `allow` of `rule` covering `subject`.
    func allow(_ rule: String, for subject: Subject) -> Allow? {
        var chain: [Subject] = [subject]
        if case .endpoint(let service, _) = subject { chain.append(.service(service)) }
        if case .cdn = subject { chain.append(.access) }
        if subject != .architecture { chain.append(.architecture) }
        for s in chain {
            if let a = bySubject[s]?.first(where: { $0.rule == rule }) { return a }
        }
        return nil
    }

    /// An `allow` naming no rule is a compiler error (a typo would silently allow nothing).
    func unknownRuleDiagnostics(known: Set<String>) -> [Diagnostic] {
        var result: [Diagnostic] = []
        for (subject, allows) in bySubject {
            for a in allows where !known.contains(a.rule) {
                let near = EditDistance.closest(to: a.rule, in: known.sorted()) { _ in 3 }
                let help = near.map { "did you mean `\($0)`? `strata explain --list` lists every rule" }
                    ?? "`strata explain --list` lists every rule"
                var diagnostic = Diagnostic(Catalogue.unknownReference, "`allow` names `\(a.rule)`, which is not a rule", at: a.span, help: help)
                diagnostic.subject = subject
                result.append(diagnostic)
            }
        }
        return result
    }
}
