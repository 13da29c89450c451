import Testing
import StrataDiagnostics
import StrataModel
import StrataRules

/// Unit tests of the placement rules beyond the fixtures: variants, notes, help, `allow` scoping, skips,
/// cycles and long paths.
@Suite struct RenderedPlacementRulesTests {
    static let placementRules = [
        "single-instance", "quorum-placement", "stripe-escape", "failover-capacity", "stale-read",
        "partition-availability", "retry-amplification", "fanout-tail",
    ]

    /// Services `<prefix>1` … `<prefix><count>`, each with one endpoint `get` at `/<prefix><i>` whose
    /// steps are `steps(i)` (a chain when each calls the next).
    static func chain(_ prefix: String, _ count: Int, steps: (Int) -> String) -> String {
        (1...count).map { i in
            "service \(prefix)\(i) { replicas 2 per set; endpoint get GET \"/\(prefix)\(i)\" { \(steps(i)) } }\n"
        }.joined()
    }

    /// A small architecture around `body`: two regions (east: sh-a, sh-b; south: sz-a), a gateway with auth and a
    /// rate limit routing `/api` to `api`.
    static func spec(_ body: String, survive: String = "idc", top: String = "", routeOptions: String = "") -> String {
        """
        architecture t {
          survive \(survive)
          \(top)
          topology {
            region east {
              city sh {
                idc sh-a { racks 2 }
                idc sh-b { racks 2 }
              }
            }
            region south {
              city sz {
                idc sz-a { racks 2 }
              }
            }
          }
          gateway edge {
            replicas 2 per set
            auth jwt
            rate-limit 100/s
            route "/api" -> api \(routeOptions)
          }
        \(body)
        }
        """
    }

    /// Compiles `text` (which must compile cleanly) and runs one rule over it.
    func check(_ rule: String, _ text: String) throws -> (findings: [Diagnostic], skipped: [String]) {
        let compilation = Compiler.compile(text: text)
        let rendered = TextRenderer(sources: compilation.sources, color: false).render(compilation.diagnostics)
        try #require(!compilation.hasErrors, "spec does not compile:\n\(rendered)")
        let architecture = try #require(compilation.architecture)
        let report = Checker.check(architecture, rules: [try #require(RuleRegistry.rule(named: rule))])
        return (report.diagnostics.filter { $0.id == rule }, report.skipped.filter { $0.rule == rule }.map(\.reason))
    }

    // MARK: single-instance

    @Test func singleInstanceShowsTheElidedPublicPath() throws {
        // api.get → s1.get → ... → s7.get, then s7 writes a one-replica store.
        var services = "service api { replicas 2 per set; endpoint get GET \"/api\" { call s1.get } }\n"
        services += Self.chain("s", 7) { i in i < 7 ? "call s\(i + 1).get" : "write db" }
        services += "store db { replicas 1 in sh-a }\n"
        let (findings, _) = try check("single-instance", Self.spec(services))
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.message == "store db has 1 instance in total but every request on a public path needs it")
        #expect(f.notes.first == "public path: route \"/api\" on gateway edge → api.get → s1.get → … → s5.get → s6.get → s7.get; s7.get writes db")
    }

    @Test func singleInstanceAllowOnTheArchitectureSuppresses() throws {
        let (findings, _) = try check("single-instance", Self.spec("""
          service api { replicas 1 per set; endpoint get GET "/api" { work 1ms } }
        """, top: "allow single-instance \"a demo environment\""))
        #expect(findings.count == 1)
        #expect(findings.allSatisfy { $0.suppression?.reason == "a demo environment" })
    }

    // MARK: quorum-placement

    @Test func quorumPlacementAtRegionLevel() throws {
        let (findings, _) = try check("quorum-placement", Self.spec("""
          service api { replicas 2 per set; endpoint get GET "/api" { read db } }
          store db { consistency strong; replicas 5 across idc in east }
        """, survive: "region"))
        let f = try #require(findings.first)
        #expect(f.message == "5 of 5 voters of db sit in region east; losing it leaves 0, below the quorum of 3")
        #expect(f.notes.first == "voters per region: east 5")
    }

    @Test func quorumPlacementIgnoresAsyncEventualStores() throws {
        let (findings, _) = try check("quorum-placement", Self.spec("""
          service api { replicas 2 per set; endpoint get GET "/api" { read db } }
          store db { replicas 3 in sh-a }
        """))
        #expect(findings.isEmpty)
    }

    // MARK: stripe-escape

    @Test func stripeEscapeNeedsSeveralSets() throws {
        let body = """
          service api { replicas 2 per set; endpoint get GET "/api" { call users.get } }
          service users { replicas 2 across idc; endpoint get GET "/users" { work 1ms } }
        """
        #expect(try check("stripe-escape", Self.spec(body)).findings.isEmpty)
        let striped = try check("stripe-escape", Self.spec(body, top: "sets { stripe idc }")).findings
        #expect(striped.map(\.message) == ["striped service api hard-calls shared service users (users.get), coupling the 3 sets"])
    }

    // MARK: failover-capacity

    @Test func failoverCapacityWithoutFailoverChecksEachSetsShare() throws {
        // 3 sets (one per IDC), 4000/s split evenly: 1333.33/s each. Each set has 2 instances, one per rack;
        // losing a rack leaves 1 × 1000/s.
        let (findings, _) = try check("failover-capacity", Self.spec("""
          service api {
            replicas 2 per set
            capacity 1000/s
            load 4000/s
            endpoint get GET "/api" { work 1ms }
          }
        """, survive: "rack", top: "sets { stripe idc\n failover none }"))
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.message == "losing rack sh-a-r1 leaves 1 instance of api in set sh-a serving 1000/s, below its share of the load, 1333.33/s")
        #expect(f.notes.contains("the same holds in 2 other sets: sh-b, sz-a"))
        #expect(f.help == "add at least 1 instance per set, or spread each set's instances over more racks so that one loss takes fewer")
    }

    @Test func failoverCapacityReportsSkippedNeverAPass() throws {
        let (findings, skipped) = try check("failover-capacity", Self.spec("""
          service api { replicas 1 per set; endpoint get GET "/api" { work 1ms } }
          service users { replicas 2 per set; load 100/s; endpoint get GET "/users" { work 1ms } }
        """))
        #expect(findings.isEmpty)
        #expect(skipped == [
            "no service declares both `capacity` and `load`",
            "service users declares `load` but no `capacity`",
            "service api declares neither `capacity` nor `load`",
        ])
    }

    // MARK: stale-read

    @Test func staleReadInsideNestedParallelAfterAWrite() throws {
        let (findings, _) = try check("stale-read", Self.spec("""
          service api {
            replicas 2 per set
            endpoint put PUT "/api" {
              write db
              parallel {
                work 1ms
                parallel { read db local }
              }
            }
          }
          store db { consistency strong; replicas 3 across idc }
        """))
        #expect(findings.map(\.message) == ["api.put reads db local after writing it: the replica it reads may not have the write yet"])
    }

    // MARK: partition-availability

    @Test func partitionAvailabilityFollowsCyclesAndElidesLongPaths() throws {
        // api.get → a.get ⇄ b.get (a cycle of hard calls), b.get → c1.get → ... → c6.get, which writes db.
        var services = """
          service api { cap ap; replicas 2 per set; endpoint get GET "/api" { call a.get } }
          service a { replicas 2 per set; endpoint get GET "/a" { call b.get } }
          service b { replicas 2 per set; endpoint get GET "/b" { call a.get; call c1.get } }

        """
        services += Self.chain("c", 6) { i in i < 6 ? "call c\(i + 1).get" : "write db" }
        services += "store db { consistency strong; replicas 3 across idc }\n"
        let (findings, _) = try check("partition-availability", Self.spec(services))
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.message == "service api claims `cap ap`, but api.get hard-depends on quorum store db, whose voters span 2 regions (east 2, south 1)")
        #expect(f.notes.first == "dependency path: api.get → a.get → b.get → … → c5.get → c6.get → writes db")
    }

    @Test func partitionAvailabilityNamesTheNearestStoreAndListsTheOthers() throws {
        let (findings, _) = try check("partition-availability", Self.spec("""
          service api {
            cap ap
            replicas 2 per set
            endpoint get GET "/api" {
              call b.get
              write db2
            }
          }
          service b { replicas 2 per set; endpoint get GET "/b" { write db1; read db3 local } }
          store db1 { consistency strong; replicas 3 across idc }
          store db2 { consistency strong; replicas 3 across idc }
          store db3 { consistency strong; replicas 3 across idc }
        """))
        let f = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(f.message.contains("api.get hard-depends on quorum store db2,"))
        #expect(f.primary.message == "hard dependency on db2")
        #expect(f.notes.contains("api.get also hard-depends on 1 other such store: db1"))
    }

    @Test func partitionAvailabilityAllowOnTheServiceCoversItsEndpoints() throws {
        let (findings, _) = try check("partition-availability", Self.spec("""
          service api {
            cap ap
            allow partition-availability "writes are rare and may fail during a partition"
            replicas 2 per set
            endpoint get GET "/api" { write db }
            endpoint put PUT "/api/x" { write db }
          }
          store db { consistency strong; replicas 3 across idc }
        """))
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { $0.suppression != nil })
    }

    // MARK: retry-amplification

    @Test func retryAmplificationSkipsCyclesAndElidesLongPaths() throws {
        // A chain api → s1 → ... → s9 where s2 and s9 retry; s9's callee is the deepest retrying hop. A retrying
        // cycle x ⇄ y hangs off s1 and is left to call-cycle.
        var services = """
          service api { replicas 2 per set; endpoint get GET "/api" { call s1.get } }
          service x { replicas 2 per set; endpoint get GET "/x" { call y.get retries 3 } }
          service y { replicas 2 per set; endpoint get GET "/y" { call x.get retries 3 } }

        """
        services += Self.chain("s", 9) { i in
            let retries = i == 1 || i == 8 ? " retries 1" : ""
            let extra = i == 1 ? "; call x.get retries 2" : ""
            return i < 9 ? "call s\(i + 1).get\(retries)\(extra)" : "work 1ms"
        }
        let (findings, _) = try check("retry-amplification", Self.spec(services))
        #expect(findings.map(\.message) == [
            "retries multiply along a request path: route /api → api.get → … → s6.get → s7.get → s8.get → s9.get ×2 = 4 attempts",
        ])
        #expect(findings.first?.notes.first == "2 of the path's 11 hops retry: a failure near the bottom is retried at every level above it")
    }

    @Test func retryAmplificationCapsHugeProducts() throws {
        var services = "service api { replicas 2 per set; endpoint get GET \"/api\" { call s1.get retries 10 } }\n"
        services += Self.chain("s", 9) { i in i < 9 ? "call s\(i + 1).get retries 10" : "work 1ms" }
        let (findings, _) = try check("retry-amplification", Self.spec(services, routeOptions: "{ retries 10 }"))
        #expect(findings.count == 1)
        #expect(findings.first?.message.hasSuffix("= more than 1000000000 attempts") == true)
    }

    // MARK: fanout-tail

    @Test func fanoutTailCountsOnlyWaitedCalls() throws {
        let calls = (1...6).map { "call u.get\($0 > 5 ? " async" : "")" }.joined(separator: "\n")
        let (findings, _) = try check("fanout-tail", Self.spec("""
          service api { replicas 2 per set; endpoint get GET "/api" { parallel {
          \(calls)
          } } }
          service u { replicas 2 per set; endpoint get GET "/u" { work 1ms } }
        """))
        #expect(findings.isEmpty)
    }
}
