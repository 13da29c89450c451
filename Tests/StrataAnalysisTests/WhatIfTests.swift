import Testing
import StrataAnalysis
import StrataModel

/// `strata simulate`: several domains lost together; and `strata check --report`'s per-endpoint figures.
@Suite struct WhatIfTests {
    /// Losing rack a-r2 and idc b together takes 2 of db's 3 voters (a-r2-m1, b-r1-m1) and 2 of the
    /// registry's 3 members; a-r1-m1 (gateway, pub, core, extra, one voter) and z-r1-m1 survive.
    @Test func severalDomainsFailTogether() throws {
        let d = try deployment(FailureSimulationTests.spec)
        let failing = [try d.domain("a-r2"), try d.domain("b")]
        let whatIf = WhatIf(d, failing: failing)
        #expect(whatIf.isComplete)
        #expect(whatIf.failed == failing)
        let rows = whatIf.rows.map { row in
            "\(row.endpoint) via \(row.gateway) for \(row.originSet): "
                + (row.servedBy.map { "served by \($0) in \(row.latency.map { formatMilliseconds($0.total) } ?? "?")" } ?? "unserved, \(row.reason ?? "?")")
        }
        #expect(rows == [
            "pub.soft via edge for main: unserved, 1 of 3 voters of store db left, its quorum needs 2",
            // gateway, pub and extra all on a-r1-m1: 0.5 + rtt 0 + extra's work 1
            "pub.hard via edge for main: served by main in 1.5ms",
            // the live voter on a-r1-m1 is 0 away: 0.5 + 0
            "pub.local via edge for main: served by main in 0.5ms",
            "pub.strong via edge for main: unserved, 1 of 3 voters of store db left, its quorum needs 2",
        ])
        #expect(whatIf.rows[1].latency?.breakdown == "gateway 0.5ms + call extra.get 1ms (rtt 0ms + 1ms)")
        let registry = try #require(whatIf.registry)
        #expect([registry.live, registry.voters, registry.needed] == [1, 3, 2])
    }

    @Test func nothingFailingServesEveryoneAtHome() throws {
        let d = try deployment(FailureSimulationTests.sets(failover: "none"))
        let whatIf = WhatIf(d, failing: [])
        #expect(whatIf.rows.map(\.originSet) == ["a", "b", "z"])
        #expect(whatIf.rows.map(\.servedBy) == ["a", "b", "z"])
        #expect(whatIf.rows.map(\.reason) == [nil, nil, nil])
        #expect(whatIf.registry == nil)  // no discovery block
    }

    /// Losing a set without failover: its users are unserved because of their own set's gateway.
    @Test func aLostSetWithoutFailoverBlamesItsGateway() throws {
        let d = try deployment(FailureSimulationTests.sets(failover: "none"))
        let whatIf = WhatIf(d, failing: [try d.domain("a")])
        #expect(whatIf.rows.map(\.servedBy) == [nil, "b", "z"])
        #expect(whatIf.rows[0].reason == "gateway edge has 0 of 2 instances left in set a")
        #expect(whatIf.rows[0].latency == nil)
    }

    /// Per public endpoint and set: the normal p99, the worst p99 after losing one IDC and which one.
    @Test func endpointReportFigures() throws {
        let d = try deployment(LatencyModelTests.failoverSpec)
        let simulation = FailureSimulation(d)
        let report = EndpointReport(d, simulation: simulation, availability: AvailabilityModel(d)) { LatencyModel(d, failure: $0) }
        #expect(report.isComplete)
        #expect(report.survive == .idc)
        #expect(report.simulatedFailures == 9)  // 3 machines, 3 racks, 3 IDCs
        let rows = report.rows.map { row in
            "\(row.method) \(row.path) \(row.set): \(row.latency.map(formatMilliseconds) ?? "-"), "
                + "worst \(row.worstFailoverLatency.map(formatMilliseconds) ?? "-") losing \(row.worstFailure ?? "-")"
        }
        #expect(rows == [
            // a's users, after losing a, go to z (override 2ms): 2 + 0.5 + 1
            "GET /s a: 1.5ms, worst 3.5ms losing idc a",
            // b's users, after losing b, go to a (same city, 3ms): 3 + 0.5 + 1
            "GET /s b: 1.5ms, worst 4.5ms losing idc b",
            // z's users, after losing z, go to a (override 2ms): 2 + 0.5 + 1
            "GET /s z: 1.5ms, worst 3.5ms losing idc z",
        ])
        #expect(report.rows.map(\.breaksWhenLosing) == [nil, nil, nil])
        #expect(report.rows.map(\.budget) == [nil, nil, nil])
    }
}
