import Testing
import StrataAnalysis
import StrataModel

/// The models' numbers on small architectures computed by hand.
@Suite struct ModelNumberTests {
    /// Two IDCs of one city; everything but IDCs is perfectly available.
    static let twoIDCs = """
    architecture redundancy {
      topology {
        region east { city sh { idc a; idc b } }
        availability { machine 100% rack 100% idc 99% city 100% region 100% }
      }
      gateway edge { replicas 2 across idc; auth jwt; rate-limit 10/s; route "/s" -> svc }
      service svc { replicas 2 across idc; endpoint get GET "/s" { work 1ms } }
    }
    """

    @Test func redundancyAcrossDistinctDomainsCombinesAsOneMinusProduct() throws {
        let d = try deployment(ModelNumberTests.twoIDCs)
        let model = AvailabilityModel(d)
        // Gateway and service each: 1 − (1 − 0.99)² = 0.9999; serial dependencies multiply.
        let expected = (1 - 0.01 * 0.01) * (1 - 0.01 * 0.01)
        #expect(abs(model.estimates[0][0].availability - expected) < 1e-12)
    }

    /// Three voters: two in idc a (two racks), one in idc b.
    static let packedQuorum = """
    architecture packed {
      survive idc
      topology {
        region east { city sh { idc a { racks 2 }; idc b } }
        availability { machine 100% rack 100% idc 99% city 100% region 100% }
      }
      gateway edge { replicas 2 across idc; auth jwt; rate-limit 10/s; route "/s" -> svc }
      service svc { replicas 2 across idc; endpoint put PUT "/s" { write db } }
      store db { consistency strong; replicas 3 across rack }
    }
    """

    @Test func losingTheDomainHoldingTwoOfThreeVotersBreaksQuorum() throws {
        let d = try deployment(ModelNumberTests.packedQuorum)
        let sim = FailureSimulation(d)
        let breakage = try #require(sim.firstBreak[0])
        #expect(d.architecture.topology[breakage.domain].name == "a")
        #expect(breakage.culprit == ComponentID(.store, "db"))
        #expect(breakage.reason == "1 of 3 voters of store db left, its quorum needs 2")
        // Racks and machines alone never break it: the first break is at the IDC level.
        #expect(d.architecture.topology[breakage.domain].level == .idc)
    }

    @Test func quorumAvailabilityIsAKOfNSumOverTheTree() throws {
        let d = try deployment(ModelNumberTests.packedQuorum)
        let model = AvailabilityModel(d)
        // Two of three voters are up exactly when idc a is up (b alone holds one voter): 0.99.
        // Gateway and service: 1 − 0.01² each.
        let expected = 0.99 * (1 - 0.0001) * (1 - 0.0001)
        #expect(abs(model.estimates[0][0].availability - expected) < 1e-12)
    }

    /// Voters in x1, x2 (city c1) and y1 (city c2); the service writes from y1.
    static func leaderSpec(leader: String = "") -> String {
        """
        architecture leaders {
          survive idc
          topology {
            region east {
              city c1 { idc x1; idc x2 }
              city c2 { idc y1 }
            }
            latency { machine 0ms rack 0ms idc 1ms city 10ms }
          }
          gateway edge { replicas 2 in y1; auth jwt; rate-limit 10/s; route "/s" -> svc }
          service svc { replicas 2 in y1; endpoint put PUT "/s" { write db } }
          store db {
            consistency strong
            replicas 3 across idc
            \(leader)
          }
        }
        """
    }

    @Test func writeCostsLeaderRTTPlusQuorumRTT() throws {
        let d = try deployment(ModelNumberTests.leaderSpec())
        let pe = d.graph.publicEndpoints[0]
        let path = try #require(LatencyModel(d).path(pe, origin: 0, serving: 0))
        // Leader is the first voter (x1): 10ms away; the 2nd-nearest voter to x1 is x2 at 1ms.
        #expect(path.total == 0.5 + 10 + 1)
        #expect(path.breakdown == "gateway 0.5ms + write db 11ms (leader 10ms + quorum 1ms)")
    }

    @Test func leaderFailsOverToTheNearestSurvivingVoter() throws {
        let d = try deployment(ModelNumberTests.leaderSpec())
        let x1 = try #require(d.architecture.topology.domain(named: "x1"))
        let pe = d.graph.publicEndpoints[0]
        let path = try #require(LatencyModel(d, failure: x1).path(pe, origin: 0, serving: 0))
        // New leader x2 (1ms from x1, y1 is 10ms): 10ms from y1; quorum of 2 among {x2, y1}: 10ms.
        #expect(path.total == 0.5 + 10 + 10)
    }

    @Test func declaredLeaderIsUsed() throws {
        let d = try deployment(ModelNumberTests.leaderSpec(leader: "leader y1"))
        let path = try #require(LatencyModel(d).path(d.graph.publicEndpoints[0], origin: 0, serving: 0))
        // Leader in y1 next to the service; its nearest other voter is 10ms away.
        #expect(path.total == 0.5 + 0 + 10)
    }

    @Test func smallestBreakingDomainIsReportedWithItsCulprit() throws {
        let d = try deployment(ModelNumberTests.leaderSpec())
        let breakage = try #require(FailureSimulation(d).firstBreak[0])
        // Everything in y1 sits in its one implicit rack: the rack is the smallest domain that breaks it.
        #expect(d.architecture.topology[breakage.domain].name == "y1-r1")
        #expect(breakage.culprit == ComponentID(.gateway, "edge"))
    }

    @Test func parallelCostsTheSlowestBranchAndAsyncCostsNothing() throws {
        let d = try deployment("""
        architecture par {
          topology { region r { city c { idc i } } }
          gateway edge { replicas 2 per set; auth jwt; rate-limit 10/s; route "/a" -> a }
          service a {
            replicas 2 per set
            endpoint get GET "/a" {
              work 2ms
              parallel {
                call b.slow
                call b.fast
              }
              call b.slow async
            }
          }
          service b {
            replicas 2 per set
            endpoint slow GET "/b/slow" { work 30ms }
            endpoint fast GET "/b/fast" { work 5ms }
          }
        }
        """)
        let path = try #require(LatencyModel(d).path(d.graph.publicEndpoints[0], origin: 0, serving: 0))
        // Co-located first instances: rtt 0. 0.5 + 2 + max(30, 5) + 0.
        #expect(path.total == 32.5)
    }

    @Test func failoverSendsALostSetsTrafficToTheNearestSet() throws {
        let d = try deployment("""
        architecture sets {
          survive idc
          topology {
            region r { city c1 { idc a; idc b }; city c2 { idc z } }
            latency { idc 1ms city 20ms }
          }
          sets { stripe idc; failover nearest }
          gateway edge { replicas 2 per set; auth jwt; rate-limit 10/s; route "/a" -> svc }
          service svc { replicas 2 per set; endpoint get GET "/a" { work 1ms } }
        }
        """)
        let sim = FailureSimulation(d)
        #expect(sim.firstBreak[0] == nil)
        let a = try #require(d.architecture.topology.domain(named: "a"))
        // Users of set a go to b (1ms away), not z (20ms).
        #expect(sim.servingAfter[a]?[0] == [1, 1, 2])
        let path = try #require(LatencyModel(d, failure: a).path(d.graph.publicEndpoints[0], origin: 0, serving: 1))
        #expect(path.total == 1 + 0.5 + 1)
    }
}
