import Testing
import StrataDiagnostics
import StrataModel
import StrataRules

/// Unit tests of the configuration rules beyond the fixtures: notes, help, spans, rendering and `allow` scoping.
@Suite struct RenderedConfigurationRulesTests {
    static let configurationRules = [
        "quorum-size", "quorum-overlap", "async-strong", "retry-timeout", "idempotent-retry", "rate-limit", "auth",
        "autoscale", "stateful-scaling", "shard-coupling", "cdn-overlap", "unused",
    ]

    /// A small architecture around `body`: three IDCs, a gateway with auth and a rate limit routing `/api` to `api`.
    static func spec(_ body: String, survive: String = "idc", architectureAllow: String = "") -> String {
        """
        architecture t {
          survive \(survive)
          \(architectureAllow)
          topology {
            region east {
              city sh {
                idc sh-a { racks 2 }
                idc sh-b { racks 2 }
                idc sh-c { racks 2 }
              }
            }
          }
          gateway edge {
            replicas 2 per set
            auth jwt
            rate-limit 100/s
            route "/api" -> api
          }
        \(body)
        }
        """
    }

    /// Compiles `text` (which must compile cleanly) and runs one rule over it.
    func check(_ rule: String, _ text: String) throws -> (Compilation, [Diagnostic]) {
        let compilation = Compiler.compile(text: text)
        let rendered = TextRenderer(sources: compilation.sources, color: false).render(compilation.diagnostics)
        try #require(!compilation.hasErrors, "spec does not compile:\n\(rendered)")
        let architecture = try #require(compilation.architecture)
        let report = Checker.check(architecture, rules: [try #require(RuleRegistry.rule(named: rule))])
        return (compilation, report.diagnostics.filter { $0.id == rule })
    }

    func line(_ c: Compilation, _ d: Diagnostic) -> Int { c.sources.location(d.primary.span).line }

    /// The 1-based line of `text` holding `needle`.
    func line(of needle: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }

    @Test func quorumSizeShowsTheVotersPerDomain() throws {
        let (_, findings) = try check("quorum-size", RenderedConfigurationRulesTests.spec("""
          service api { replicas 2 per set; endpoint get GET "/api" { read db } }
          store db { consistency strong; replicas 4 across idc }
        """))
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.message == "store `db` has an even number of voters (4)")
        #expect(f.notes.contains("voters per idc: sh-a 2, sh-b 1, sh-c 1"))
        #expect(f.help?.contains("replicas 5") == true)
    }

    @Test func quorumSizeOfAStripedStoreCountsOneSet() throws {
        let (_, findings) = try check("quorum-size", RenderedConfigurationRulesTests.spec("""
          sets { stripe idc }
          service api { replicas 2 per set; endpoint get GET "/api" { read db } }
          store db { replication sync; replicas 2 per set }
        """))
        let f = try #require(findings.first)
        #expect(f.message == "store `db` needs a quorum but has only 2 voters per set")
        #expect(f.notes.contains("each set keeps its own 2 voters; in set sh-a, voters per rack: sh-a-r1 1, sh-a-r2 1"))
        #expect(f.notes.contains { $0.contains("implies `consistency strong`") })
    }

    @Test func quorumOverlapPointsAtTheStoreWhenNoQuorumIsWritten() throws {
        let text = RenderedConfigurationRulesTests.spec("""
          service api { replicas 2 per set; endpoint get GET "/api" { read db; read ok } }
          store db {
            consistency strong
            replication async
            replicas 3 across idc
          }
          store ok {
            consistency strong
            replicas 4 across idc
            quorum read 2 write 3
          }
        """)
        let (c, findings) = try check("quorum-overlap", text)
        #expect(findings.count == 1)
        let f = try #require(findings.first)
        #expect(line(c, f) == line(of: "store db {", in: text))
        #expect(f.message.contains("read quorum 1 + write quorum 1 = 2 does not exceed its 3 voters"))
        #expect(f.help?.contains("`quorum read 2 write 2`") == true)
    }

    @Test func asyncStrongNeedsAsyncWrittenOut() throws {
        let (_, silent) = try check("async-strong", RenderedConfigurationRulesTests.spec("""
          service api { replicas 2 per set; endpoint get GET "/api" { read a; read b } }
          store a { consistency strong; replicas 3 across idc }
          store b { consistency session; replicas 3 across idc }
        """))
        #expect(silent.isEmpty)
    }

    @Test func retryTimeoutMessageShowsTheArithmetic() throws {
        let (c, findings) = try check("retry-timeout", RenderedConfigurationRulesTests.spec("""
          service api {
            replicas 2 per set
            endpoint create POST "/api/orders" {
              budget 400ms
              call users.get timeout 200ms retries 2
            }
          }
          service users { replicas 2 per set; endpoint get GET "/users" { work 1ms } }
        """))
        let f = try #require(findings.first)
        #expect(f.message == "call to users.get: 3 attempts × 200ms = 600ms exceeds the 400ms budget of api.create")
        let rendered = TextRenderer(sources: c.sources, color: false).render([f])
        #expect(rendered == """
        spec.strata:23:12: warning[retry-timeout]: call to users.get: 3 attempts × 200ms = 600ms exceeds the 400ms budget of api.create
           |
        22 |       budget 400ms
           |              ----- budget 400ms
        23 |       call users.get timeout 200ms retries 2
           |            ^^^^^^^^^ 600ms of attempts
           |
           = note: every attempt may wait the full timeout; once 400ms have passed, api.create has already failed its request, so the remaining attempts only add load to users.get
           = help: give the call `timeout 133.333ms` or less, reduce `retries`, or raise the budget

        """)
    }

    @Test func idempotentRetryFollowsTheMethod() throws {
        let (_, findings) = try check("idempotent-retry", RenderedConfigurationRulesTests.spec("""
          service api {
            replicas 2 per set
            endpoint go GET "/api/go" {
              call users.options retries 1
              call users.patch retries 1
              call users.upsert retries 1
            }
          }
          service users {
            replicas 2 per set
            endpoint options OPTIONS "/users" { work 1ms }
            endpoint patch PATCH "/users/{id}" { work 1ms }
            endpoint upsert POST "/users/{id}" { idempotent; work 1ms }
          }
        """))
        #expect(findings.map(\.message) == ["call from api.go retries PATCH users.patch once, but it is not idempotent"])
    }

    @Test func architectureAllowSuppressesEveryFindingOfTheRule() throws {
        let (_, findings) = try check("unused", RenderedConfigurationRulesTests.spec("""
          service api { replicas 2 per set; endpoint get GET "/api" { work 1ms } }
          service spare { replicas 2 per set; endpoint get GET "/spare" { work 1ms } }
          store cold { replicas 3 across idc }
        """, architectureAllow: "allow unused \"staged for next release\""))
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { $0.suppression?.reason == "staged for next release" })
    }

    @Test func cdnOverlapReadsTheWildcard() throws {
        func overlapping(_ cdn: String) throws -> Int {
            let (_, findings) = try check("cdn-overlap", RenderedConfigurationRulesTests.spec("""
              access { cdn { path "\(cdn)"; ttl 1h } }
              service api { replicas 2 per set; endpoint get GET "/api/x" { work 1ms } }
            """))
            return findings.count
        }
        #expect(try overlapping("/api/img/*") == 1)   // inside the route
        #expect(try overlapping("/*") == 1)           // covers the route
        #expect(try overlapping("/a*") == 1)          // "/a" prefixes "/api"
        #expect(try overlapping("/api") == 1)         // exact path the route covers
        #expect(try overlapping("/ap") == 0)          // exact path shorter than the route
        #expect(try overlapping("/static/*") == 0)
    }
}
