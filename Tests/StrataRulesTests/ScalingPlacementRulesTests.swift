import Testing
import StrataDiagnostics
import StrataModel
import StrataRules

/// The placement rules stay linear on large architectures: 10,000 services whose calls form one chain
/// 10,000 deep plus cross edges (a DAG with exponentially many paths), retries on every hop, `cap ap`
/// everywhere, quorum stores spanning regions and wide fan-outs.
@Suite(.serialized) struct ScalingPlacementRulesTests {
    static let services = 10_000

    /// The generated spec: service i calls i+1 (retried) and two later services; every service writes one of
    /// 50 strong stores (most spread over both regions, every fifth in one IDC) and reads another locally,
    /// every fourth reads back what it wrote; every tenth endpoint fans out.
    static let text: String = {
        var lines: [String] = []
        lines.append("""
        architecture big {
          survive idc
          topology {
            region east { city sh { idc sh-a { racks 2 }
                                    idc sh-b { racks 2 } } }
            region south { city sz { idc sz-a { racks 2 }
                                     idc sz-b { racks 2 } } }
          }
          sets { stripe idc }
          discovery { mode registry; replicas 3 across idc }
          gateway edge {
            replicas 2 per set
            auth jwt
            rate-limit 1000/s
            route "/s0" -> s0 { retries 1 }
            route "/s5000" -> s5000 { retries 2 }
          }
        """)
        let n = services
        for i in 0..<n {
            var steps: [String] = []
            if i + 1 < n { steps.append("call s\(i + 1).get timeout 10ms retries 1") }
            if i + 7 < n { steps.append("call s\(i + 7).get timeout 10ms optional") }
            if i + 13 < n { steps.append("call s\(i + 13).get timeout 10ms") }
            steps.append("write db\(i % 50)")
            steps.append("read db\((i + 1) % 50) local")
            if i % 4 == 0 { steps.append("read db\(i % 50) local") }
            if i % 10 == 0, i + 20 < n {
                steps.append("parallel { " + (14...20).map { "call s\(i + $0).get timeout 10ms" }.joined(separator: "; ") + " }")
            }
            let placement = i % 3 == 0 ? "replicas 1 across idc" : "replicas 2 per set"
            let capacity = i % 2 == 0 ? "capacity 100/s; load 1000/s" : ""
            lines.append("""
              service s\(i) {
                cap ap
                \(placement)
                \(capacity)
                endpoint get GET "/s\(i)" { \(steps.joined(separator: "; ")) }
              }
            """)
        }
        for k in 0..<50 {
            let placement = k % 5 == 0 ? "replicas 3 in sh-a" : "replicas \(k % 2 == 0 ? 3 : 4) across idc"
            lines.append("  store db\(k) { consistency strong; \(placement) }")
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }()

    static let architecture: Architecture? = {
        let compilation = Compiler.compile(text: text)
        return compilation.hasErrors ? nil : compilation.architecture
    }()

    /// Every placement rule finishes on a call DAG with exponentially many paths and finds what it should.
    /// No wall-clock bound here (speed is measured by scripts/bench, not by unit tests): a rule that
    /// enumerated paths would not finish at all, which CI's time limit turns into a failure.
    @Test(arguments: RenderedPlacementRulesTests.placementRules)
    func ruleFinishesOnADeepDAG(rule name: String) throws {
        let architecture = try #require(ScalingPlacementRulesTests.architecture, "the generated spec does not compile")
        let rule = try #require(RuleRegistry.rule(named: name))
        let outcome = rule.run(RuleContext(architecture))
        #expect(!outcome.findings.isEmpty, "\(name) found nothing on the generated spec")
    }
}
