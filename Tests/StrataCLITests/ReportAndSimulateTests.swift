import Foundation
import Testing

/// The public endpoints of specs/shop.strata and its sets.
private enum Shop {
    static let endpoints = [("orders.create", "POST /api/orders"), ("orders.get", "GET /api/orders/{id}"), ("users.get", "GET /api/users/{id}")]
    static let sets = ["sh-a", "sh-b", "hz-a"]
}

/// Matches a whole string against a regular expression.
private func matches(_ text: String, _ pattern: String) -> Bool {
    text.range(of: "^" + pattern + "$", options: .regularExpression) != nil
}

/// `strata check --report`.
@Suite struct ReportCommandTests {
    @Test func printsARowPerPublicEndpointAndSet() throws {
        let directory = try RuleSpecs.directory("shop.strata", RuleSpecs.shop)
        let result = try StrataProcess.run(["check", "shop.strata", "--report"], in: directory.url)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let heading = try #require(lines.firstIndex { $0.hasPrefix("report for shop (shop.strata): survive idc, ") })
        #expect(lines[heading - 1] == "", "the report follows the diagnostics after a blank line")
        #expect(lines[heading - 2] == "0 errors, 0 warnings, 1 rule skipped")
        #expect(matches(lines[heading + 1], "endpoint +route +set +p99 / budget +p99 after worst idc loss +availability / SLO +breaks when losing"))

        let rows = lines.filter { line in Shop.endpoints.contains { line.hasPrefix($0.0 + " ") } }
        #expect(rows.count == Shop.endpoints.count * Shop.sets.count)
        for (endpoint, route) in Shop.endpoints {
            for set in Shop.sets {
                let row = try #require(rows.first { $0.hasPrefix(endpoint + " ") && $0.contains("  \(route)  ") && $0.contains("  \(set)  ") },
                                       "\(endpoint) \(set)")
                let cells = row.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                #expect(cells.count == 7, "\(row)")
                guard cells.count == 7 else { continue }
                #expect(cells[0] == endpoint && cells[1] == route && cells[2] == set)
                #expect(matches(cells[3], #"[0-9.]+ms / [0-9]+ms"#), "\(row)")
                #expect(matches(cells[4], #"[0-9.]+ms \((idc [a-z-]+|unchanged)\)"#), "\(row)")
                #expect(matches(cells[5], #"[0-9]{2,3}\.[0-9]{4}% / 99\.9500%"#), "\(row)")
                #expect(cells[6] == "—", "shop survives the loss of any IDC: \(row)")
            }
        }
        #expect(lines.contains { $0.hasPrefix("note: availability figures are an estimate") })
        // Widths line up: every row starts its set column at the same offset.
        let setColumn = Set(rows.map { row in Shop.sets.compactMap { row.range(of: "  \($0)  ") }.first.map { row.distance(from: row.startIndex, to: $0.lowerBound) } })
        #expect(setColumn.count == 1)
    }

    @Test func jsonHasAReportObject() throws {
        let directory = try RuleSpecs.directory("shop.strata", RuleSpecs.shop)
        let result = try StrataProcess.run(["check", "shop.strata", "--report", "--format", "json"], in: directory.url)
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let report = try #require((document["report"] as? [[String: Any]])?.first)
        #expect(report["file"] as? String == "shop.strata")
        #expect(report["architecture"] as? String == "shop")
        #expect(report["survive"] as? String == "idc")
        #expect((report["availabilityMethod"] as? String)?.hasPrefix("estimate") == true)
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.count == 9)
        let first = try #require(rows.first)
        #expect(first["endpoint"] as? String == "orders.create")
        #expect(first["method"] as? String == "POST")
        #expect(first["budgetMs"] as? Double == 400)
        #expect((first["p99Ms"] as? Double).map { $0 > 0 && $0 < 400 } == true)
        #expect((first["availability"] as? Double).map { $0 > 0.9995 && $0 < 1 } == true)
        #expect(first["slo"] as? Double == 0.9995)
        #expect(first["breaksWhenLosing"] is NSNull)
        #expect(first["worstFailure"] is String)
        // Without --report there is no report member.
        let plain = try StrataProcess.run(["check", "shop.strata", "--format", "json"], in: directory.url)
        #expect(!plain.standardOutput.contains("\"report\""))
    }

    @Test func aSpecWithErrorsHasNoFigures() throws {
        let directory = try RuleSpecs.directory("bad.strata", CheckCommandTests.unterminated)
        let result = try StrataProcess.run(["check", "bad.strata", "--report"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.standardOutput.hasSuffix("\nreport for bad.strata: not available, the spec has errors\n"))
    }
}

/// `strata simulate`.
@Suite struct SimulateCommandTests {
    @Test func losingAnIDCMovesItsUsersToAnotherSet() throws {
        let directory = try RuleSpecs.directory("shop.strata", RuleSpecs.shop)
        let result = try StrataProcess.run(["simulate", "shop.strata", "--fail", "idc:sh-a"], in: directory.url)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "what if idc sh-a fails: shop (shop.strata)")
        #expect(lines.contains { $0.hasPrefix("instances lost: ") && $0.contains("service orders 3 of 9") })
        for (endpoint, route) in Shop.endpoints {
            #expect(lines.contains("\(endpoint)  \(route)  (gateway edge)"))
        }
        let moved = lines.filter { $0.hasPrefix("  users of sh-a: ") }
        #expect(moved.count == 3)
        for line in moved {
            #expect(matches(line, #"  users of sh-a: served by (sh-b|hz-a) \(failed over from sh-a\), p99 [0-9.]+ms \(was [0-9.]+ms\), budget [0-9]+ms"#), "\(line)")
        }
        #expect(lines.filter { $0.hasPrefix("  users of hz-a: served by hz-a, p99 ") }.count == 3)
        #expect(lines.contains("registry: 2 of 3 members alive, its quorum needs 2: kept"))
        #expect(lines.last == "9 of 9 endpoint-set pairs served (3 by another set), 0 not served")
        #expect(!result.standardOutput.contains("      gateway 0.5ms"), "hops only with --verbose")

        let verbose = try StrataProcess.run(["simulate", "shop.strata", "--fail", "idc:sh-a", "--verbose"], in: directory.url)
        #expect(verbose.standardOutput.contains("\n      gateway 0.5ms\n"))
        #expect(verbose.standardOutput.contains("\n      failover from set sh-a to "))
    }

    @Test func unservedEndpointsSayWhyAndCanFailTheRun() throws {
        let directory = try RuleSpecs.directory("shop.strata", RuleSpecs.shop)
        let arguments = ["simulate", "shop.strata", "--fail", "idc:sh-a", "--fail", "idc:sh-b"]
        let result = try StrataProcess.run(arguments, in: directory.url)
        #expect(result.status == 0, "a what-if is not a check")
        #expect(result.standardOutput.hasPrefix("what if idc sh-a, idc sh-b fail together: shop (shop.strata)\n"))
        #expect(result.standardOutput.contains("  users of sh-a: NOT SERVED: 1 of 3 voters of store orders-db left, its quorum needs 2\n"))
        #expect(result.standardOutput.contains("registry: 1 of 3 members alive, its quorum needs 2: LOST"))
        let strict = try StrataProcess.run(arguments + ["--fail-on-unserved"], in: directory.url)
        #expect(strict.status == 1)
        #expect(strict.standardOutput == result.standardOutput)
        let fine = try StrataProcess.run(["simulate", "shop.strata", "--fail", "rack:sh-a-r1", "--fail-on-unserved"], in: directory.url)
        #expect(fine.status == 0)
    }

    @Test func unknownOrMistypedDomainsAreUsageErrors() throws {
        let directory = try RuleSpecs.directory("shop.strata", RuleSpecs.shop)
        let cases: [([String], String)] = [
            (["--fail", "idc:sh-x"], "--fail idc:sh-x: the spec has no idc called 'sh-x'; did you mean 'idc:sh-a'? (idc domains: sh-a, sh-b, hz-a)"),
            (["--fail", "rack:sh-a"], "--fail rack:sh-a: sh-a is an idc, not a rack; write '--fail idc:sh-a'"),
            (["--fail", "sh-a"], "--fail sh-a: write the level too: '--fail idc:sh-a'"),
            (["--fail", "zone:sh-a"], "'zone' is not a level (use one of: machine, rack, idc, city, region)"),
            (["--fail", "city:shanghia"], "did you mean 'city:shanghai'?"),
            ([], "give at least one --fail LEVEL:NAME"),
        ]
        for (arguments, message) in cases {
            let result = try StrataProcess.run(["simulate", "shop.strata"] + arguments, in: directory.url)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
            #expect(result.standardOutput.isEmpty)
        }
        let missing = try StrataProcess.run(["simulate", "missing.strata", "--fail", "idc:sh-a"], in: directory.url)
        #expect(missing.status == 2)
    }

    @Test func aSpecWithErrorsIsNotSimulated() throws {
        let directory = try RuleSpecs.directory("bad.strata", CheckCommandTests.unterminated)
        let result = try StrataProcess.run(["simulate", "bad.strata", "--fail", "idc:sh-a"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.contains("error[E0103]"))
        #expect(result.standardError.hasSuffix("strata: error: bad.strata has errors; nothing was simulated\n"))
    }

    @Test func outputIsByteIdenticalRunToRun() throws {
        let directory = try RuleSpecs.directory("shop.strata", RuleSpecs.shop)
        let arguments = ["simulate", "shop.strata", "--fail", "city:shanghai", "--verbose"]
        let first = try StrataProcess.run(arguments, in: directory.url)
        let second = try StrataProcess.run(arguments, in: directory.url)
        #expect(first.status == 0)
        #expect(first.standardOutput == second.standardOutput)
    }
}
