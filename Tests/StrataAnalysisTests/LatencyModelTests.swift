import Testing
import StrataAnalysis
import StrataModel

/// The p99 latency model: work, calls, reads, quorum writes, parallel branches, timeouts, failover.
@Suite struct LatencyModelTests {
    /// One set. RTTs: same machine 0, racks of one IDC 2ms, IDCs 10ms.
    /// Machines: edge a-r1-m1; front a-r2-m1; back b-r1-m1; cache and logs a-r1-m1, b-r1-m1 (across idc);
    /// db and all3 a-r1-m1, a-r2-m1, b-r1-m1 (across rack), so their leader (the first voter) is a-r1-m1.
    static let spec = """
        architecture lat {
          topology {
            region r { city c { idc a { racks 2 }; idc b } }
            latency { machine 0.5ms rack 2ms idc 10ms }
          }
          gateway edge { replicas 1 in a-r1; route "/p" -> front }
          service front {
            replicas 1 in a-r2
            endpoint get GET "/p" { work 3ms; call back.get timeout 100ms; read cache; write db }
            endpoint tight GET "/p/tight" { call back.get timeout 5ms }
            endpoint strong GET "/p/strong" { read db }
            endpoint local GET "/p/local" { read db local }
            endpoint all GET "/p/all" { write all3 }
            endpoint lazy GET "/p/lazy" { write logs }
            endpoint soft GET "/p/soft" { call back.get optional; work 1ms }
            endpoint par GET "/p/par" { parallel { call back.get; read db; write all3 } }
          }
          service back { replicas 1 in b; endpoint get GET "/internal/back" { work 4ms; read cache } }
          store cache { engine redis; consistency eventual; replicas 2 across idc }
          store db { consistency strong; replicas 3 across rack }
          store all3 { consistency strong; replicas 3 across rack; quorum write 3 }
          store logs { consistency eventual; replicas 2 across idc }
        }
        """

    /// The p99 path of `front.<name>` for the one set, without failures or with `failure` lost.
    static func path(_ name: String, failure: String? = nil) throws -> LatencyPath? {
        let d = try deployment(LatencyModelTests.spec)
        let pe = try d.publicEndpoint(EndpointID("front", name)).endpoint
        return LatencyModel(d, failure: try failure.map { try d.domain($0) }).path(pe, origin: 0, serving: 0)
    }

    @Test func workCallReadAndQuorumWriteAddUp() throws {
        let path = try #require(try LatencyModelTests.path("get"))
        // gateway 0.5 + edge→front 2 (racks) + work 3
        // + call back.get: rtt 10 (IDCs) + back's 4ms work + its read of cache on its own machine 0 = 14
        // + read cache (eventual): nearest replica a-r1-m1, 2
        // + write db: to the leader a-r1-m1 2 + the 2nd-nearest voter to the leader (itself 0, a-r2-m1 2) 2 = 4
        #expect(path.total == 25.5)
        #expect(path.breakdown == "gateway 0.5ms + to front 2ms + work 3ms + call back.get 14ms (rtt 10ms + 4ms) "
                + "+ read cache nearest replica 2ms + write db 4ms (leader 2ms + quorum 2ms)")
    }

    /// The caller never waits longer than the per-attempt timeout.
    @Test func aCallIsCappedAtItsTimeout() throws {
        let path = try #require(try LatencyModelTests.path("tight"))
        // 0.5 + 2 + min(10 + 4, 5)
        #expect(path.total == 7.5)
        #expect(path.breakdown == "gateway 0.5ms + to front 2ms + call back.get 5ms (times out: rtt 10ms + 4ms exceeds the timeout)")
    }

    @Test func strongReadsGoToTheLeaderLocalReadsToTheNearestReplica() throws {
        let strong = try #require(try LatencyModelTests.path("strong"))
        #expect(strong.total == 4.5)  // 0.5 + 2 + leader a-r1-m1 from a-r2-m1: 2
        #expect(strong.breakdown == "gateway 0.5ms + to front 2ms + read db leader 2ms")
        let local = try #require(try LatencyModelTests.path("local"))
        #expect(local.total == 2.5)  // 0.5 + 2 + the voter on front's own machine: 0
        #expect(local.breakdown == "gateway 0.5ms + to front 2ms + read db nearest replica 0ms")
    }

    /// A write quorum of 3 waits for the farthest of the three voters: 10ms from the leader.
    @Test func aLargerWriteQuorumWaitsForFartherVoters() throws {
        let path = try #require(try LatencyModelTests.path("all"))
        #expect(path.total == 14.5)  // 0.5 + 2 + (2 + 10)
        #expect(path.breakdown == "gateway 0.5ms + to front 2ms + write all3 12ms (leader 2ms + quorum 10ms)")
    }

    /// Asynchronous replication: the write costs the trip to the leader only.
    @Test func anAsyncWriteCostsTheLeaderOnly() throws {
        let path = try #require(try LatencyModelTests.path("lazy"))
        #expect(path.total == 4.5)  // 0.5 + 2 + leader a-r1-m1: 2
        #expect(path.breakdown == "gateway 0.5ms + to front 2ms + write logs leader 2ms")
    }

    /// Parallel branches cost the slowest one, which the breakdown names.
    @Test func parallelCostsTheSlowestBranch() throws {
        let path = try #require(try LatencyModelTests.path("par"))
        // 0.5 + 2 + max(call back.get 14, read db leader 2, write all3 2 + 10)
        #expect(path.total == 16.5)
        #expect(path.breakdown == "gateway 0.5ms + to front 2ms + parallel, slowest: call back.get 14ms (rtt 10ms + 4ms)")
        // Without back, the hard call in a branch fails the whole endpoint.
        #expect(try LatencyModelTests.path("par", failure: "b") == nil)
    }

    /// An optional call costs its latency while the callee is up, and nothing when it is gone;
    /// a hard call to a lost callee leaves the endpoint without a path.
    @Test func optionalAndHardCallsToALostCallee() throws {
        let soft = try #require(try LatencyModelTests.path("soft"))
        #expect(soft.total == 17.5)  // 0.5 + 2 + 14 + 1
        let degraded = try #require(try LatencyModelTests.path("soft", failure: "b-r1-m1"))
        #expect(degraded.total == 3.5)  // 0.5 + 2 + 1
        #expect(degraded.breakdown == "gateway 0.5ms + to front 2ms + work 1ms")
        #expect(try LatencyModelTests.path("get", failure: "b-r1-m1") == nil)
    }

    /// Inside a set, without the gateway: losing rack a-r1 takes the cache replica next door and db's leader.
    @Test func internalPathAfterLosingTheLeadersRack() throws {
        let d = try deployment(LatencyModelTests.spec)
        let get = try #require(d.graph.indexOf[EndpointID("front", "get")])
        let path = try #require(LatencyModel(d, failure: try d.domain("a-r1")).internalPath(endpoint: get, set: 0))
        // work 3 + call back.get 14 + read cache from b-r1-m1 10
        // + write db: the new leader is the voter nearest the old one, a-r2-m1 (front's machine): 0,
        //   then the 2nd-nearest live voter to it, b-r1-m1: 10
        #expect(path.total == 37)
        #expect(path.breakdown == "work 3ms + call back.get 14ms (rtt 10ms + 4ms) + read cache nearest replica 10ms "
                + "+ write db 10ms (leader 0ms + quorum 10ms)")
    }

    @Test func callCostIsTheRoundTripPlusTheCalleesPath() throws {
        let d = try deployment(LatencyModelTests.spec)
        let get = try #require(d.graph.indexOf[EndpointID("front", "get")])
        let call = try #require(d.graph.calls[get].first?.call)
        let front = try d.domain("a-r2-m1")
        #expect(LatencyModel(d).callCost(call, from: front, set: 0) == 14)  // rtt 10 + back's 4
        let back = try #require(d.graph.indexOf[EndpointID("back", "get")])
        #expect(LatencyModel(d).internalPath(endpoint: back, set: 0)?.breakdown == "work 4ms + read cache nearest replica 0ms")
    }

    /// Sets a and b in city c1 (3ms apart) and z in c2, which an override puts 2ms from a.
    static let failoverSpec = """
        architecture fo {
          survive idc
          topology {
            region r { city c1 { idc a; idc b }; city c2 { idc z } }
            latency { idc 3ms city 20ms a <-> z 2ms }
          }
          sets { stripe idc; failover nearest }
          gateway edge { replicas 1 per set; route "/s" -> svc }
          service svc { replicas 1 per set; endpoint get GET "/s" { work 1ms } }
        }
        """

    /// Losing set a sends its users to z, the nearest set by the override, and their path pays the trip.
    @Test func failoverToTheNearestSetPaysTheTripThere() throws {
        let d = try deployment(LatencyModelTests.failoverSpec)
        let a = try d.domain("a")
        #expect(FailureSimulation(d).servingAfter[a] == [[2, 1, 2]])
        let pe = d.graph.publicEndpoints[0]
        let normal = try #require(LatencyModel(d).path(pe, origin: 0, serving: 0))
        #expect(normal.total == 1.5)  // gateway 0.5 + work 1 (gateway and service share a machine)
        #expect(normal.breakdown == "gateway 0.5ms + work 1ms")
        let failedOver = try #require(LatencyModel(d, failure: a).path(pe, origin: 0, serving: 2))
        #expect(failedOver.total == 3.5)  // a's entry a-r1-m1 → z's gateway: the override 2 + 0.5 + 1
        #expect(failedOver.breakdown == "failover from set a to z 2ms + gateway 0.5ms + work 1ms")
        #expect(LatencyModel(d, failure: a).total(pe, origin: 0, serving: 2) == 3.5)
    }

    @Test func millisecondsAreFormattedCompactly() {
        #expect(formatMilliseconds(0.5) == "0.5ms")
        #expect(formatMilliseconds(15) == "15ms")
        #expect(formatMilliseconds(61.25) == "61.25ms")
        #expect(formatMilliseconds(1.0 / 3) == "0.33ms")  // rounded to hundredths
        #expect(formatMilliseconds(0.001) == "0ms")
        #expect(formatMilliseconds(1_234_567.891) == "1234567.89ms")
        #expect(LatencyHop("call a.b", 4.25, detail: "rtt 1ms + 3.25ms").description == "call a.b 4.25ms (rtt 1ms + 3.25ms)")
    }

    /// `work 9999999999999h` is 3.6e19 ms: `strata check` formats it for the latency-budget message and
    /// traps in `Int(rounded)` (beyond Int.max) instead of printing it.
    @Test func hugeDurationsAreFormattedWithoutTrapping() {
        #expect(formatMilliseconds(3.6e19) == "3.6e+19ms")
        #expect(formatMilliseconds(1e15) == "1000000000000000.0ms")
        #expect(formatMilliseconds(.infinity) == "infms")
    }
}
