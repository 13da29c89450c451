import Testing
import StrataAnalysis
import StrataModel

/// Exact single-failure simulation: which public endpoints survive losing one domain, and the culprit.
@Suite struct FailureSimulationTests {
    /// One set; IDCs a (racks a-r1, a-r2), b, z. Everything runs 3 across idc (on a-r1-m1, b-r1-m1,
    /// z-r1-m1) except `extra` (1, on a-r1-m1), and the `db` voters and the registry, 3 across rack:
    /// a-r1-m1, a-r2-m1, b-r1-m1, so two of three sit in idc a.
    static let spec = """
        architecture f {
          survive idc
          topology { region r { city c { idc a { racks 2 }; idc b; idc z } } }
          discovery { mode registry; replicas 3 across rack }
          gateway edge { replicas 3 across idc; route "/p" -> pub }
          service pub {
            replicas 3 across idc
            endpoint soft GET "/p/soft" { call core.get; call extra.get optional }
            endpoint hard GET "/p/hard" { call extra.get }
            endpoint local GET "/p/local" { read db local }
            endpoint strong GET "/p/strong" { read db }
          }
          service core { replicas 3 across idc; endpoint get GET "/internal/core" { read db } }
          service extra { replicas 1 in a; endpoint get GET "/internal/extra" { work 1ms } }
          store db { consistency strong; replicas 3 across rack }
        }
        """

    /// Every domain up to the `survive` level: machines, then racks, then IDCs, each in declaration order.
    @Test func everyDomainUpToTheSurviveLevelIsLostInTurn() throws {
        let d = try deployment(FailureSimulationTests.spec)
        let sim = FailureSimulation(d)
        #expect(d.names(sim.failures) == [
            "a-r1-m1", "a-r2-m1", "b-r1-m1", "z-r1-m1",  // the machines placement created
            "a-r1", "a-r2", "b-r1", "z-r1",
            "a", "b", "z",
        ])
        #expect(sim.isComplete)
    }

    /// The smallest failure breaking each public endpoint, and what broke it.
    @Test func firstBreakAndCulprit() throws {
        let d = try deployment(FailureSimulationTests.spec)
        let sim = FailureSimulation(d)
        #expect(d.graph.publicEndpoints.map(\.endpoint.description) == ["pub.soft", "pub.hard", "pub.local", "pub.strong"])
        let breaks = sim.firstBreak.map { b in b.map { "\(d.architecture.topology[$0.domain].name) set \($0.originSet): \($0.culprit): \($0.reason)" } }
        #expect(breaks == [
            // core.get reads db: losing idc a leaves 1 of 3 voters, below the majority of 2 (the optional
            // call to extra does not count; racks and machines of a each leave 2 voters).
            "a set 0: store db: 1 of 3 voters of store db left, its quorum needs 2",
            // extra's only instance is on the first machine simulated.
            "a-r1-m1 set 0: service extra: service extra has 0 of 1 instances left",
            // A local read needs one live replica: no single IDC holds all three.
            nil,
            // Its own strong read needs the quorum, like core's.
            "a set 0: store db: 1 of 3 voters of store db left, its quorum needs 2",
        ])
    }

    /// Per failure at the survive level, per public endpoint, per origin set: the set serving it (nil: unserved).
    @Test func servingAfterEachFailureAtTheSurviveLevel() throws {
        let d = try deployment(FailureSimulationTests.spec)
        let sim = FailureSimulation(d)
        let (a, b, z) = (try d.domain("a"), try d.domain("b"), try d.domain("z"))
        #expect(Set(sim.servingAfter.keys) == [a, b, z])  // IDCs only, not racks or machines
        // Losing a: only the local read is still served (by the one set, main).
        #expect(sim.servingAfter[a] == [[nil], [nil], [0], [nil]])
        // Losing b leaves 2 of 3 voters and extra; losing z takes nothing that matters.
        #expect(sim.servingAfter[b] == [[0], [0], [0], [0]])
        #expect(sim.servingAfter[z] == [[0], [0], [0], [0]])
    }

    /// The registry is simulated too: losing idc a leaves 1 of its 3 members, below the majority of 2.
    @Test func registryQuorumLoss() throws {
        let d = try deployment(FailureSimulationTests.spec)
        let breaks = FailureSimulation(d).registryBreaks.map { "\(d.architecture.topology[$0.domain].name) \($0.live)/\($0.voters) needs \($0.needed)" }
        #expect(breaks == ["a 1/3 needs 2"])
    }

    /// Sets a, b (city c1, 1ms apart) and z (city c2, 20ms away), each with its own gateway, service and
    /// store (2, 2 and 1 instance per set: the store's instance shares a machine with the first two).
    static func sets(failover: String) -> String {
        """
        architecture s {
          survive idc
          topology {
            region r { city c1 { idc a; idc b }; city c2 { idc z } }
            latency { idc 1ms city 20ms }
          }
          sets { stripe idc; failover \(failover) }
          gateway edge { replicas 2 per set; route "/s" -> svc }
          service svc { replicas 2 per set; endpoint get GET "/s" { read db } }
          store db { consistency eventual; replicas 1 per set }
        }
        """
    }

    @Test func withoutFailoverALostSetsUsersAreUnserved() throws {
        let d = try deployment(FailureSimulationTests.sets(failover: "none"))
        let sim = FailureSimulation(d)
        let (a, b, z) = (try d.domain("a"), try d.domain("b"), try d.domain("z"))
        #expect(sim.servingAfter[a] == [[nil, 1, 2]])
        #expect(sim.servingAfter[b] == [[0, nil, 2]])
        #expect(sim.servingAfter[z] == [[0, 1, nil]])
        // The first machine of set a holds its only db instance: the set's own store is the culprit.
        let first = try #require(sim.firstBreak[0])
        #expect(d.names([first.domain]) == ["a-r1-m1"])
        #expect(first.originSet == 0)
        #expect(first.culprit == ComponentID(.store, "db"))
        #expect(first.reason == "store db has 0 of 1 instances left in set a")
    }

    /// With `failover nearest` no single IDC loss leaves anyone unserved; traffic goes to the nearest set.
    @Test func withFailoverTrafficMovesToTheNearestSet() throws {
        let d = try deployment(FailureSimulationTests.sets(failover: "nearest"))
        let sim = FailureSimulation(d)
        let (a, b, z) = (try d.domain("a"), try d.domain("b"), try d.domain("z"))
        #expect(sim.firstBreak.map { $0 == nil } == [true])
        // a's users go to b (1ms, not z at 20ms), b's to a; z is 20ms from both, the tie goes to the first set, a.
        #expect(sim.servingAfter[a] == [[1, 1, 2]])
        #expect(sim.servingAfter[b] == [[0, 0, 2]])
        #expect(sim.servingAfter[z] == [[0, 1, 0]])
    }

    /// A cyclic call graph cannot be simulated: nothing is claimed broken, and the result says so.
    @Test func aCycleMakesTheSimulationIncomplete() throws {
        let d = try deployment("""
            architecture loop {
              topology { region r { city c { idc i } } }
              gateway edge { replicas 1 in i; route "/x" -> x }
              service x {
                replicas 1 in i
                endpoint a GET "/x/a" { call x.b }
                endpoint b GET "/x/b" { call x.a }
              }
            }
            """)
        let sim = FailureSimulation(d)
        #expect(!sim.isComplete)
        #expect(sim.firstBreak.map { $0 == nil } == [true, true])
        #expect(sim.servingAfter.isEmpty)
        #expect(sim.registryBreaks.isEmpty)
        #expect(d.names(sim.failures) == ["i-r1-m1"])  // survive defaults to machine
    }
}
