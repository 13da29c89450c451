import Foundation
import Testing
import StrataDiagnostics
import StrataModel
import StrataRules
import StrataTestSupport

/// go/analysis-style rule fixtures: `Fixtures/<rule>/fires.strata` must make the
/// rule fire exactly on the lines carrying `// want "text"` (the message must
/// contain the text; `// want suppressed "text"` expects a finding silenced by
/// `allow`), and `Fixtures/<rule>/silent.strata` must not make it fire at all.
/// `// want-skipped "text"` anywhere expects the rule to report a skip with that text.
@Suite struct FixtureTests {
    static let fixtures = repositoryPath("Tests/StrataRulesTests/Fixtures")

    @Test(arguments: RuleRegistry.all.map(\.name))
    func fires(rule: String) throws {
        try run(rule: rule, file: "fires.strata", mustFire: true)
    }

    @Test(arguments: RuleRegistry.all.map(\.name))
    func staysSilent(rule: String) throws {
        try run(rule: rule, file: "silent.strata", mustFire: false)
    }

    /// Every rule has a title and a one-paragraph doc (what `strata explain` and the SARIF rule
    /// descriptors show).
    @Test(arguments: RuleRegistry.all.map(\.name))
    func hasADoc(rule name: String) throws {
        let rule = try #require(RuleRegistry.rule(named: name))
        #expect(!rule.title.isEmpty && !rule.title.hasSuffix("."))
        #expect(!rule.doc.isEmpty && !rule.doc.contains("\n"), "\(name): the doc is one paragraph")
    }

    /// The placement and configuration rules the rendering tests exercise are registered under
    /// those names, and their docs start with what fires them (the analysis rules' docs start with
    /// the model they compute instead).
    @Test func placementAndConfigurationRulesSayWhatFiresThem() throws {
        for name in RenderedPlacementRulesTests.placementRules + RenderedConfigurationRulesTests.configurationRules {
            let rule = try #require(RuleRegistry.rule(named: name), "\(name) is not registered")
            #expect(rule.doc.hasPrefix("Fires "), "\(name): the doc starts with what fires it")
        }
    }

    @Test func everyFixtureFolderNamesARule() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: FixtureTests.fixtures)
        let names = Set(RuleRegistry.all.map(\.name))
        for folder in folders { #expect(names.contains(folder), "fixture folder \(folder) names no rule") }
    }

    func run(rule name: String, file: String, mustFire: Bool) throws {
        let path = "\(FixtureTests.fixtures)/\(name)/\(file)"
        let rule = try #require(RuleRegistry.rule(named: name))
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("rule \(name) has no fixture \(file)")
            return
        }
        let compilation = try Compiler.compile(path: path)
        let rendered = TextRenderer(sources: compilation.sources, color: false).render(compilation.diagnostics)
        try #require(!compilation.hasErrors, "fixture does not compile:\n\(rendered)")
        let architecture = try #require(compilation.architecture)
        let report = Checker.check(architecture, rules: [rule])
        let findings = report.diagnostics.filter { $0.id == name }
        let source = compilation.sources.files[0]
        let expectations = Expectation.parse(String(decoding: source.bytes, as: UTF8.self))

        if !mustFire {
            let listed = findings.map { "\(compilation.sources.location($0.primary.span)): \($0.message)" }.joined(separator: "\n")
            #expect(findings.isEmpty, "\(name) fired on \(file):\n\(listed)")
            #expect(expectations.wants.isEmpty, "silent fixtures carry no `want`")
            return
        }
        #expect(!expectations.wants.isEmpty, "fires.strata of \(name) has no `// want` line")
        var unmatched = expectations.wants
        for f in findings {
            let line = compilation.sources.location(f.primary.span).line
            let file = compilation.sources.path(f.primary.span)
            if let i = unmatched.firstIndex(where: { $0.line == line && f.message.contains($0.text) && $0.suppressed == (f.suppression != nil) && file == path }) {
                unmatched.remove(at: i)
            } else {
                Issue.record("unexpected \(name) finding at \(file):\(line): \(f.message)\(f.suppression != nil ? " (suppressed)" : "")")
            }
        }
        for w in unmatched {
            Issue.record("expected \(name) finding at line \(w.line) containing \"\(w.text)\"\(w.suppressed ? " (suppressed)" : "")")
        }
        for skip in expectations.skips {
            #expect(report.skipped.contains { $0.reason.contains(skip) }, "expected a skip containing \"\(skip)\"; got \(report.skipped)")
        }
    }
}

/// Expectations written in a fixture.
struct Expectation {
    struct Want { let line: Int; let text: String; let suppressed: Bool }
    var wants: [Want] = []
    var skips: [String] = []

    static func parse(_ text: String) -> Expectation {
        var result = Expectation()
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let r = line.range(of: "// want") else { continue }
            var rest = line[r.upperBound...]
            var skipped = false, suppressed = false
            if rest.hasPrefix("-skipped") { skipped = true; rest = rest.dropFirst("-skipped".count) }
            rest = rest.drop { $0 == " " }
            if rest.hasPrefix("suppressed") { suppressed = true; rest = rest.dropFirst("suppressed".count).drop { $0 == " " } }
            // Every quoted string on the line is one expectation.
            var strings: [String] = []
            var current: String?
            var escaped = false
            for ch in rest {
                if escaped { current?.append(ch); escaped = false; continue }
                if ch == "\\", current != nil { escaped = true; continue }
                if ch == "\"" {
                    if let c = current { strings.append(c); current = nil } else { current = "" }
                } else if current != nil {
                    current!.append(ch)
                }
            }
            for s in strings {
                if skipped { result.skips.append(s) } else { result.wants.append(Want(line: i + 1, text: s, suppressed: suppressed)) }
            }
        }
        return result
    }
}
