import Foundation
import Testing
import StrataDiagnostics
import StrataDriver
import StrataModel
import StrataRules
import StrataTestSupport

/// The architectures in `specs/flawed/` show the typical mistakes. Each must
/// compile, fire the rules it was written to show (``expectedRules``), and
/// produce exactly the findings pinned in `specs/flawed/<name>.expected`: one
/// line per finding, `line:col severity[rule] message` in output order
/// (suppressed ones included and marked), then one `skipped[rule] reason` line
/// per skipped rule.
///
/// After a deliberate change, re-record with `STRATA_RECORD=1 swift test
/// --filter FlawedSpecs`. Recording never passes silently: the test fails with
/// "re-recorded, review the diff" so that the new goldens are read before they
/// are committed.
@Suite struct FlawedSpecsTests {
    static let directory = repositoryPath("specs/flawed")

    /// The rules each flawed spec is written to show: exactly these fire (suppressed findings included).
    static let expectedRules: [String: Set<String>] = [
        "ap-over-quorum": ["partition-availability"],
        "consistency": ["async-strong", "quorum-overlap", "stale-read"],
        "cross-city-leader": ["latency-budget", "timeout-budget", "failover-latency"],
        "one-idc-slo": ["slo"],
        "primary-idc": ["quorum-placement", "survival"],
        "prototype": [
            "auth", "rate-limit", "cdn-overlap", "call-cycle", "fanout-tail", "stateful-scaling", "autoscale",
            "single-instance", "unused",
        ],
        "retry-storm": ["retry-amplification", "idempotent-retry", "retry-timeout"],
        "shared-in-cells": ["stripe-escape", "single-instance", "survival", "shard-coupling", "quorum-size",
                            "failover-capacity"],
    ]

    /// Findings whose text is known to be wrong, reported to the rule's owners and kept out of the goldens
    /// until fixed (a wrong message must not be pinned). Each must still be produced exactly as listed: once
    /// the rule is fixed the test fails, asking to drop the entry and re-record.
    static let knownWrong: [String: [(line: String, why: String)]] = [:]

    /// The names of `specs/flawed/*.strata`; throws when the folder cannot be read or is empty.
    static func specs() throws -> [String] {
        try strataFiles(in: "specs/flawed").map { String($0.dropFirst("specs/flawed/".count).dropLast(".strata".count)) }
    }

    @Test func everyFlawedSpecIsListed() throws {
        let specs = try FlawedSpecsTests.specs()
        #expect(Set(specs) == Set(FlawedSpecsTests.expectedRules.keys),
                "specs/flawed and expectedRules disagree: specs \(specs), listed \(FlawedSpecsTests.expectedRules.keys.sorted())")
        #expect(specs.count >= 5)
    }

    /// Together the flawed specs show every rule of the checker.
    @Test func everyRuleIsShownSomewhere() {
        let shown = FlawedSpecsTests.expectedRules.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        let missing = RuleRegistry.all.map(\.name).filter { !shown.contains($0) }
        #expect(missing.isEmpty, "rules no flawed spec shows: \(missing)")
    }

    @Test(arguments: try FlawedSpecsTests.specs())
    func firesItsRules(name: String) throws {
        let checked = try FlawedSpecsTests.check(name)
        let fired = Set(checked.report?.diagnostics.map(\.id) ?? [])
        let expected = FlawedSpecsTests.expectedRules[name] ?? []
        #expect(fired == expected, """
            \(name).strata: rules fired \(fired.sorted())
              expected \(expected.sorted())
              missing \(expected.subtracting(fired).sorted()), unexpected \(fired.subtracting(expected).sorted())
            """)
    }

    @Test(arguments: try FlawedSpecsTests.specs())
    func matchesItsGolden(name: String) throws {
        let checked = try FlawedSpecsTests.check(name)
        var lines = FlawedSpecsTests.render(checked, root: FlawedSpecsTests.path(name, "strata"))
        for wrong in FlawedSpecsTests.knownWrong[name] ?? [] {
            if let i = lines.firstIndex(of: wrong.line) {
                lines.remove(at: i)
            } else {
                Issue.record("""
                    \(name).strata no longer produces a finding known to be wrong (\(wrong.why)): \(wrong.line)
                    If the rule was fixed, drop it from FlawedSpecsTests.knownWrong and re-record with STRATA_RECORD=1.
                    """)
            }
        }
        let actual = lines.map { $0 + "\n" }.joined()
        let goldenPath = FlawedSpecsTests.path(name, "expected")
        let golden = try? String(contentsOfFile: goldenPath, encoding: .utf8)

        if ProcessInfo.processInfo.environment["STRATA_RECORD"] == "1" {
            guard golden != actual else {
                Issue.record("STRATA_RECORD=1: \(goldenPath) is unchanged; unset STRATA_RECORD to run the comparison")
                return
            }
            try actual.write(toFile: goldenPath, atomically: true, encoding: .utf8)
            Issue.record("re-recorded \(goldenPath), review the diff:\n\(LineDiff.render(old: golden ?? "", new: actual))")
            return
        }
        guard let golden else {
            Issue.record("\(goldenPath) is missing; record it with STRATA_RECORD=1 and review every line")
            return
        }
        if golden != actual {
            Issue.record("""
                \(name).strata: findings differ from \(goldenPath) (- golden, + now). \
                If the change is intended, re-record with STRATA_RECORD=1 and review the diff.
                \(LineDiff.render(old: golden, new: actual))
                """)
        }
    }

    // MARK: Support

    static func path(_ name: String, _ ext: String) -> String { "\(directory)/\(name).\(ext)" }

    /// Compiles and checks one flawed spec, which must compile without errors.
    static func check(_ name: String) throws -> CheckedSpec {
        let compilation = try Compiler.compile(path: path(name, "strata"))
        let rendered = TextRenderer(sources: compilation.sources, color: false).render(compilation.diagnostics)
        try #require(!compilation.hasErrors, "\(name).strata must compile (rule findings only):\n\(rendered)")
        let checked = Pipeline.check(compilation)
        try #require(checked.report != nil)
        return checked
    }

    /// One line per diagnostic in output order, then one per skipped rule.
    static func render(_ checked: CheckedSpec, root: String) -> [String] {
        let sources = checked.compilation.sources
        var lines: [String] = []
        for d in checked.diagnostics {
            let file = sources.path(d.primary.span)
            let prefix = file == root ? "" : "\((file as NSString).lastPathComponent):"
            var line = "\(prefix)\(sources.location(d.primary.span)) \(d.severity.rawValue)[\(d.id)] \(d.message)"
            if let s = d.suppression { line += " [suppressed: \(s.reason)]" }
            lines.append(line)
        }
        for s in checked.skipped { lines.append("skipped[\(s.rule)] \(s.reason)") }
        return lines
    }
}

/// A minimal line diff (longest common subsequence): unchanged lines with two
/// spaces, removed with `-`, added with `+`; long unchanged runs are elided.
private enum LineDiff {
    static func render(old: String, new: String, context: Int = 2) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let n = a.count, m = b.count
        var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var ops: [(Character, String)] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] { ops.append((" ", a[i])); i += 1; j += 1 }
            else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] { ops.append(("-", a[i])); i += 1 }
            else { ops.append(("+", b[j])); j += 1 }
        }
        let changed = ops.indices.filter { ops[$0].0 != " " }
        var out: [String] = []
        var last = -1
        for k in ops.indices {
            let near = changed.contains { abs($0 - k) <= context }
            guard near else { continue }
            if last >= 0, k > last + 1 { out.append("  …") }
            out.append("\(ops[k].0) \(ops[k].1)")
            last = k
        }
        return out.joined(separator: "\n")
    }
}
