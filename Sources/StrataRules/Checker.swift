import Foundation
import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// Per-run rule configuration: `--disable RULE`, `--severity RULE=LEVEL`.
public struct CheckOptions: Sendable {
    public var disabled: Set<String>
    public var severities: [String: Severity]

    public init(disabled: Set<String> = [], severities: [String: Severity] = [:]) {
        self.disabled = disabled
        self.severities = severities
    }
}

/// A rule that did not (fully) run, and why.
public struct SkippedRule: Hashable, Sendable {
    public let rule: String
    public let reason: String
}

/// What `strata check` learned from the rules.
public struct CheckReport: Sendable {
    /// Findings as diagnostics (suppressed ones carry their `allow` reason), plus
    /// compiler errors about `allow` statements naming unknown rules.
    public var diagnostics: [Diagnostic]
    public var skipped: [SkippedRule]
    /// Names of the rules that ran, in registry order.
    public var rulesRun: [String]
}

/// Runs rules over an architecture.
public enum Checker {
    /// Runs every enabled rule and applies severities and `allow` suppressions.
    public static func check(_ architecture: Architecture, rules: [Rule] = RuleRegistry.all, options: CheckOptions = CheckOptions()) -> CheckReport {
        let context = RuleContext(architecture: architecture)
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
                                   secondary: f.secondary, notes: f.notes, help: f.help)
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
        if subject != .architecture { chain.append(.architecture) }
        for s in chain {
            if let a = bySubject[s]?.first(where: { $0.rule == rule }) { return a }
        }
        return nil
    }

    /// An `allow` naming no rule is a compiler error (a typo would silently allow nothing).
    func unknownRuleDiagnostics(known: Set<String>) -> [Diagnostic] {
        var result: [Diagnostic] = []
        for allows in bySubject.values {
            for a in allows where !known.contains(a.rule) {
                let near = known.map { ($0, levenshtein($0, a.rule)) }.min { ($0.1, $0.0) < ($1.1, $1.0) }
                let help = near.flatMap { $0.1 <= 3 ? "did you mean `\($0.0)`? `strata explain --list` lists every rule" : nil }
                    ?? "`strata explain --list` lists every rule"
                result.append(Diagnostic(Catalogue.unknownReference, "`allow` names `\(a.rule)`, which is not a rule", at: a.span, help: help))
            }
        }
        return result
    }
}

/// Edit distance between two short words.
func levenshtein(_ a: String, _ b: String) -> Int {
    let x = Array(a.utf8), y = Array(b.utf8)
    if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
    var previous = Array(0...y.count), current = previous
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}
