import Testing
import StrataDiagnostics
import StrataModel
import StrataSyntax

/// Every malformed input gets a located diagnostic (line:col asserted), never a crash.
@Suite struct BadInputTests {
    @Test func unterminatedString() {
        let (c, d) = compile("architecture a {\n  description \"never closed\n}\n")
        #expect(d.contains("2:15 E0103 string is not closed before the end of the line"), "\(d)")
        #expect(c.hasErrors)
    }

    @Test func unterminatedStringAtEndOfFile() {
        let (_, d) = compile("architecture a {\n  description \"open")
        #expect(d.contains("2:15 E0103 string is not closed before the end of the file"))
    }

    @Test func strayClosingBrace() {
        let (_, d) = compile(spec("  service s { replicas 2 per set }\n}"))
        #expect(d.contains { $0.hasPrefix("5:1 E0203") }, "\(d)")
    }

    @Test func missingClosingBrace() {
        let (_, d) = compile("architecture a {\n  topology {\n    region east { city c { idc i } }\n")
        #expect(d.contains("2:12 E0202 this `{` is never closed"), "\(d)")
        #expect(d.contains("1:16 E0202 this `{` is never closed"), "\(d)")
    }

    @Test func unknownStatementSuggestsTheClosestKeyword() {
        let (c, d) = compile(spec("  servce orders { replicas 2 per set }"))
        #expect(d == ["3:3 E0401 `servce` is not a statement of `architecture`"])
        #expect(c.diagnostics.first?.help?.hasPrefix("did you mean `service`?") == true)
    }

    @Test func wrongUnitAndWrongKind() {
        let (_, d) = compile(spec("""
          slo 99.95ms
          service s {
            replicas two per set
            endpoint e GET "/e" { budget 80% }
          }
        """))
        #expect(d == [
            "3:7 E0402 `slo` expects an availability target, found the duration `99.95ms`",
            "5:14 E0402 `replicas` expects the number of replicas, found `two`",
            "6:34 E0402 `budget` expects a latency budget, found the percentage `80%`",
        ])
    }

    @Test func unknownUnit() {
        let (_, d) = compile(spec("  service s { replicas 2 per set; endpoint e GET \"/e\" { budget 80sec } }"))
        #expect(d == ["3:66 E0106 unknown unit `sec` after number"])
    }

    @Test func outOfRangeValues() {
        let (_, d) = compile(spec("""
          slo 100.5%
          service s {
            replicas 0 per set
          }
          service t {
            scale 9..3 per set
          }
        """))
        #expect(d == [
            "3:7 E0403 an availability target must lie between 0% and 100%",
            "5:14 E0403 the number of replicas must be between 1 and 10000, not 0",
            "8:11 E0403 the autoscaling range must not have its minimum (9) above its maximum (3)",
        ])
    }

    @Test func overflowingNumbers() {
        let (_, d) = compile(spec("  service s { replicas 99999999999999999999 per set }"))
        #expect(d.first == "3:24 E0107 integer `99999999999999999999` does not fit in 64 bits")
        let (_, d2) = compile(spec("  slo " + String(repeating: "9", count: 400) + ".5%"))
        #expect(d2 == ["3:7 E0107 number `99999999999999999999…` is too large"])
    }

    @Test func unknownReferences() {
        let (_, d) = compile(spec("""
          gateway edge { replicas 2 per set; auth jwt; route "/x" -> orderz }
          service orders {
            replicas 2 per set
            endpoint get GET "/x" { call users.fetch; read orders-dbb }
          }
          service users { replicas 2 per set; endpoint get GET "/u" }
          store orders-db { replicas 3 across idc }
        """))
        #expect(d == [
            "3:62 E0404 route \"/x\" points to `orderz`, which is not a service",
            "6:34 E0404 service `users` has no endpoint `fetch`",
            "6:52 E0404 `orders-dbb` is not a store",
        ])
    }

    @Test func unknownDomain() {
        let (_, d) = compile(spec("  store db { replicas 3 in sh-c }"))
        #expect(d == ["3:28 E0404 no failure domain is named `sh-c`"])
    }

    @Test func duplicateNames() {
        let (_, d) = compile(spec("""
          service orders { replicas 2 per set }
          store orders { replicas 3 across idc }
          service a-b1 { replicas 2 per set }
          service a-b-1 { replicas 2 per set }
        """, topology: "region east { city sh { idc sh-a; idc sh-a } }"))
        #expect(d == [
            "2:52 E0405 failure domain `sh-a` is declared twice",
            "4:9 E0405 `orders` is already declared as a service",
            "6:11 E0406 `a-b-1` and `a-b1` both become the Swift identifier `aB1`",
        ])
    }

    @Test func invalidNames() {
        let (_, d) = compile(spec("  service Orders_Svc { replicas 2 per set }"))
        #expect(d == ["3:11 E0408 `Orders_Svc` is not a valid name: it must start with a lowercase letter"])
        let long = String(repeating: "a", count: 64)
        let (_, d2) = compile(spec("  service \(long) { replicas 2 per set }"))
        #expect(d2 == ["3:11 E0408 `\(long)` is not a valid name: it has 64 characters, the limit is 63"])
    }

    @Test func includeCycleIsReportedWhereTheIncludeIsWritten() {
        let (_, d) = compile("architecture a {\n  include \"a.strata\"\n}\n", files: [
            "a.strata": "include \"b.strata\"\n",
            "b.strata": "\n  include \"a.strata\"\n",
        ])
        #expect(d.contains("b.strata:2:11 E0302 including \"a.strata\" forms a cycle"), "\(d)")
    }

    @Test func regionWithoutCitiesDoesNotCrashPlacement() {
        // Found by the fuzzer: placing into a domain with no children divided by zero.
        let (c, d) = compile("architecture y{ topology { region r } gateway p { replicas 2 per set } }")
        #expect(d.contains("1:28 E0407 `region` needs a block `{ ... }`"), "\(d)")
        #expect(c.hasErrors)
    }

    @Test func aDiamondOfIncludesSplicesEachFileOnce() {
        let (c, d) = compile(spec("  include \"a.strata\"\n  include \"b.strata\""), files: [
            "a.strata": "include \"shared.strata\"\n",
            "b.strata": "include \"shared.strata\"\n",
            "shared.strata": "service s { replicas 2 per set }\n",
        ])
        #expect(d.isEmpty, "\(d)")
        #expect(c.architecture?.services.count == 1)
    }

    @Test func missingInclude() {
        let (_, d) = compile("architecture a {\n  include \"nope.strata\"\n}\n")
        #expect(d.contains("2:11 E0301 cannot read included file \"nope.strata\": No such file or directory"), "\(d)")
    }

    @Test func includedFileDiagnosticsNameThatFile() {
        let (_, d) = compile(spec("  include \"parts/svc.strata\""), files: ["parts/svc.strata": "service s {\n  replicas 2 per sett\n}\n"])
        #expect(d == ["parts/svc.strata:2:18 E0402 `replicas` expects `set` after `per`: one of `set`, found `sett`"])
    }

    @Test func emptyFile() {
        let (c, d) = compile("")
        #expect(d == ["1:1 E0205 the spec declares no architecture"])
        #expect(c.architecture == nil)
        let (_, d2) = compile("// only a comment\n\n")
        #expect(d2 == ["1:1 E0205 the spec declares no architecture"])
    }

    @Test func invalidUTF8() {
        var bytes = Array("architecture a {\n  description \"caf".utf8)
        bytes += [0xC3, 0x28]  // invalid continuation
        bytes += Array("\"\n  \u{00E9}\n}\n".utf8)
        let sources = SourceManager()
        let content = bytes
        let spec = try! SpecLoader.load(path: "u.strata", sources: sources) { _ in content }
        let c = Compiler.compile(spec)
        let lines = c.diagnostics.sortedForOutput().map { "\(sources.location($0.primary.span)) \($0.id)" }
        #expect(lines.contains("2:19 E0101"), "\(lines)")
        #expect(lines.contains("3:3 E0102"), "\(lines)")  // é outside a string
    }

    @Test func nulBytes() {
        let (_, d) = compile("architecture a {\n  \u{0}slo 99%\n}\n")
        #expect(d.contains("2:3 E0102 unexpected NUL byte"), "\(d)")
    }

    @Test func deeplyNestedBracesDoNotOverflowTheStack() {
        let depth = 200_000
        let text = String(repeating: "a {", count: depth) + String(repeating: "}", count: depth)
        let (c, d) = compile(text)
        #expect(d.contains("1:195 E0204 blocks nest deeper than 64 levels"), "\(d.prefix(3))")
        #expect(c.hasErrors)
        let unclosed = String(repeating: "{", count: depth)
        let (_, d2) = compile(unclosed)
        #expect(d2.contains("1:1 E0201 expected a statement keyword, found `{`"), "\(d2)")
    }

    @Test func fiveMegabyteLine() {
        let line = "architecture a { description \"" + String(repeating: "x", count: 5_000_000) + "\" slo 42 }"
        let (_, d) = compile(line)
        // `slo 42` on the same line is an extra argument of `description`: reported at its exact column.
        #expect(d.contains("1:5000033 E0402 unexpected `slo` in `description`"), "\(d)")
    }

    @Test func everyErrorOfAFileIsReportedInOneRun() {
        let (_, d) = compile("""
        architecture a {
          slo 2
          survive planet
          style soa
          topology { region r { city c { idc i } } }
          service s { replicas 2 per set; endpoint e GET "/e" { call t.x } }
        }
        """)
        #expect(d.count == 4, "\(d)")
        #expect(d.map { $0.prefix(4) } == ["2:7 ", "3:11", "4:9 ", "6:62"])
    }

    @Test func placementThatCannotBeSatisfied() {
        let (_, d) = compile(spec("""
          sets { stripe machine }
          service s { replicas 2 across machine }
          store db { replicas 3 across idc in sh-a; leader sh-b }
        """))
        #expect(d == [
            "3:17 E0410 `stripe machine` needs every rack to declare `machines N`",
            "4:33 E0410 `across machine` needs every rack in scope to declare `machines N`",
            "5:32 E0410 `across idc in sh-a`: a idc contains no idc level to spread across",
        ])
    }

    @Test func surviveMachineNeedsNoDeclaredMachines() {
        let (c, d) = compile(spec("  survive machine\n  service s { replicas 2 per set }"))
        #expect(d.isEmpty, "\(d)")
        #expect(c.architecture?.survive == .machine)
    }

    @Test func leaderMustHoldAReplica() {
        let (_, d) = compile(spec("  store db { replicas 2 in sh-a; leader sh-b }"))
        #expect(d == ["3:41 E0410 leader `sh-b` holds no replica of store `db`"])
    }

    @Test func conflictingStatements() {
        let (_, d) = compile(spec("""
          service s { key "x-user-id"; replicas 2 per set }
          service t { replicas 2 per set; scale 2..4 per set }
        """))
        #expect(d == [
            "3:19 E0411 `key` partitions the state of a stateful service; `s` is stateless",
            "4:35 E0409 `placement` is given twice in this block",
        ])
    }
}
