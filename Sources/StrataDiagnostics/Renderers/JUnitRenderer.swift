/// Renders diagnostics as a JUnit XML report for CI test dashboards.
///
/// One `<testsuite>` per checked file (named by its path, in load order) and,
/// in each, one `<testcase>` per rule descriptor: the rule "passed" for that
/// file when it has no failing finding there. Failing findings (per the
/// ``FailurePolicy``) become one `<failure>` per test case whose body lists
/// them as the text renderer shows them; other findings of the rule
/// (below the threshold, or suppressed) are listed in `<system-out>`.
/// A checker rule skipped for a spec (see ``SkippedCheck``) is a
/// `<skipped message="reason"/>` test case of that spec's suite unless it
/// also failed there (a rule may run in part); a skip never reads as a pass.
/// No timestamps or durations: output is deterministic.
public struct JUnitRenderer: DiagnosticRenderer {
    /// The files checked; each becomes a test suite.
    public let sources: SourceManager
    /// Rules that ran; each becomes a test case of every suite.
    public let rules: [RuleDescriptor]
    /// Which findings are failures.
    public let failurePolicy: FailurePolicy
    /// Rules that did not (fully) run.
    public let skipped: [SkippedCheck]

    /// Creates a renderer; by default every unsuppressed finding is a failure.
    public init(sources: SourceManager, rules: [RuleDescriptor] = RuleDescriptor.catalogue, failurePolicy: FailurePolicy = .everyFinding) {
        self.init(sources: sources, rules: rules, failurePolicy: failurePolicy, skipped: [])
    }

    /// Creates a renderer that also marks skipped rules as skipped test cases.
    public init(sources: SourceManager, rules: [RuleDescriptor], failurePolicy: FailurePolicy = .everyFinding,
                skipped: [SkippedCheck]) {
        self.sources = sources
        self.rules = rules
        self.failurePolicy = failurePolicy
        self.skipped = skipped
    }

    private static let compilerCodes: Set<String> = Set(Catalogue.all.map(\.id))

    /// The JUnit XML document for `diagnostics`.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        let table = RuleTable(rules, covering: diagnostics)
        let text = TextRenderer(sources: sources, color: false)
        var paths: [String] = []
        var findingsByPath: [String: [Diagnostic]] = [:]
        for file in sources.files where findingsByPath[file.path] == nil {
            paths.append(file.path)
            findingsByPath[file.path] = []
        }
        for diagnostic in diagnostics.sortedForOutput() {
            findingsByPath[sources.path(diagnostic.primary.span), default: []].append(diagnostic)
        }

        var suites: [String] = []
        var totalTests = 0, totalFailures = 0, totalSkipped = 0
        for path in paths {
            let findings = findingsByPath[path] ?? []
            let skipReasons = SkippedCheck.reasonsByRule(skipped, file: path)
            var cases: [String] = []
            var failures = 0, skippedCases = 0
            for rule in table.descriptors {
                let ruleFindings = findings.filter { $0.id == rule.id }
                let failing = ruleFindings.filter { failurePolicy.fails(on: $0) }
                let passing = ruleFindings.filter { !failurePolicy.fails(on: $0) }
                let reasons = JUnitRenderer.compilerCodes.contains(rule.id) ? [] : (skipReasons[nil] ?? []) + (skipReasons[rule.id] ?? [])
                let opening = "    <testcase classname=\"\(XMLEscaping.attribute(path))\" name=\"\(XMLEscaping.attribute(caseName(rule)))\""
                guard !ruleFindings.isEmpty || !reasons.isEmpty else {
                    cases.append(opening + "/>\n")
                    continue
                }
                var body = opening + ">\n"
                if failing.isEmpty, !reasons.isEmpty {
                    skippedCases += 1
                    body += "      <skipped message=\"\(XMLEscaping.attribute(reasons.joined(separator: "; ")))\"/>\n"
                }
                if let first = failing.first {
                    failures += 1
                    let location = sources.location(first.primary.span)
                    var summary = "\(location.line):\(location.column): \(first.message)"
                    if failing.count > 1 { summary += " (and \(failing.count - 1) more)" }
                    let severity = failing.map(\.severity).max() ?? first.severity
                    body += "      <failure type=\"\(severity.rawValue)\" message=\"\(XMLEscaping.attribute(summary))\">"
                    body += XMLEscaping.text(failing.map(text.renderDiagnostic).joined(separator: "\n"))
                    body += "</failure>\n"
                }
                var listed: [String] = []
                if !failing.isEmpty { listed += reasons.map { "skipped in part: " + $0 } }
                listed += passing.map { finding in
                    let header = text.renderDiagnostic(finding)
                    guard let suppression = finding.suppression else { return header }
                    return "suppressed: \(suppression.reason)\n" + header
                }
                if !listed.isEmpty {
                    body += "      <system-out>" + XMLEscaping.text(listed.joined(separator: "\n")) + "</system-out>\n"
                }
                cases.append(body + "    </testcase>\n")
            }
            totalTests += cases.count
            totalFailures += failures
            totalSkipped += skippedCases
            suites.append(
                "  <testsuite name=\"\(XMLEscaping.attribute(path))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skippedCases)\">\n"
                    + cases.joined() + "  </testsuite>\n")
        }

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let attributes = "name=\"strata\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"0\" skipped=\"\(totalSkipped)\""
        if suites.isEmpty {
            out += "<testsuites \(attributes)/>\n"
        } else {
            out += "<testsuites \(attributes)>\n" + suites.joined() + "</testsuites>\n"
        }
        return out
    }

    /// `E0103 unterminated-string` for catalogue entries, the bare name for rules whose id is their name.
    private func caseName(_ rule: RuleDescriptor) -> String {
        rule.id == rule.name ? rule.id : "\(rule.id) \(rule.name)"
    }
}
