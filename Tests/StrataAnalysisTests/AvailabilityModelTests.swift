import Testing
import StrataAnalysis
import StrataModel

/// The availability estimate: k-of-n per component over the domain tree, hard dependencies multiplied,
/// sets combined by failover. Only IDCs (or racks) fail in these specs; every other level is 100%.
@Suite struct AvailabilityModelTests {
    /// IDCs a, b, z at 99% each; gateway and service on all three, db 2-of-3, all3 3-of-3, flaky in a only.
    static let kOfN = """
        architecture kofn {
          topology {
            region r { city c { idc a; idc b; idc z } }
            availability { machine 100% rack 100% idc 99% city 100% region 100% }
          }
          gateway edge { replicas 3 across idc; route "/w" -> svc }
          service svc {
            replicas 3 across idc
            endpoint put PUT "/w" { write db }
            endpoint all PUT "/w/all" { write all3 }
            endpoint soft GET "/w/soft" { call flaky.get optional }
            endpoint hard GET "/w/hard" { call flaky.get }
          }
          service flaky { replicas 1 in a; endpoint get GET "/internal/flaky" { work 1ms } }
          store db { consistency strong; replicas 3 across idc }
          store all3 { consistency strong; replicas 3 across idc; quorum write 3 }
        }
        """

    /// 1 of 3 IDCs up: 1 − 0.01³.
    static let oneOfThree = 1 - 0.01 * 0.01 * 0.01  // 0.999999
    /// 2 of 3 up: 3 · 0.99² · 0.01 + 0.99³ = 0.029403 + 0.970299.
    static let twoOfThree = 3 * 0.99 * 0.99 * 0.01 + 0.99 * 0.99 * 0.99  // 0.999702
    /// All 3 up: 0.99³.
    static let threeOfThree = 0.99 * 0.99 * 0.99  // 0.970299

    @Test func aQuorumIsAKOfNSum() throws {
        let d = try deployment(AvailabilityModelTests.kOfN)
        let model = AvailabilityModel(d)
        #expect(model.isComplete)
        #expect(d.graph.publicEndpoints.map(\.endpoint.description) == ["svc.put", "svc.all", "svc.soft", "svc.hard"])
        let value = model.estimates.map { $0[0].availability }
        let gatewayAndService = AvailabilityModelTests.oneOfThree * AvailabilityModelTests.oneOfThree
        let expected = [
            gatewayAndService * AvailabilityModelTests.twoOfThree,  // put: the majority of db
            gatewayAndService * AvailabilityModelTests.threeOfThree,  // all: write quorum 3 of 3
            gatewayAndService,  // soft: an optional dependency does not count
            gatewayAndService * 0.99,  // hard: flaky's one instance in a
        ]
        for (v, e) in zip(value, expected) { #expect(abs(v - e) < 1e-12, "\(v) vs \(e)") }
        #expect(value.count == 4)
    }

    /// The bottleneck is the largest single contribution to unavailability.
    @Test func theBottleneckIsTheWeakestComponent() throws {
        let model = AvailabilityModel(try deployment(AvailabilityModelTests.kOfN))
        #expect(model.estimates.map { $0[0].bottleneck } == [
            "store db (99.9702%)",
            "store all3 (97.0299%)",
            "service svc (99.9999%)",  // gateway and service tie at 1 − 0.01³; the endpoint's own service comes first
            "service flaky (99.0000%)",
        ])
    }

    /// Everything in one IDC (two racks at 99%, the IDC at 99%): the IDC counts once, not once per component.
    @Test func sharedAncestorsCountOnce() throws {
        let d = try deployment("""
            architecture shared {
              topology {
                region r { city c { idc a { racks 2 } } }
                availability { machine 100% rack 99% idc 99% city 100% region 100% }
              }
              gateway edge { replicas 2 across rack; route "/s" -> svc }
              service svc { replicas 2 across rack; endpoint get GET "/s" { work 1ms } }
            }
            """)
        let estimate = try #require(AvailabilityModel(d).estimates.first?.first)
        // idc a 0.99 × gateway (1 − 0.01²) × service (1 − 0.01²)
        #expect(abs(estimate.availability - 0.99 * 0.9999 * 0.9999) < 1e-12)
        #expect(estimate.bottleneck == "idc a, which holds every instance (99.0000%)")
    }

    /// Sets a and b (IDCs at 99%), each with its own gateway and service.
    static func sets(failover: String) -> String {
        """
        architecture sets {
          topology {
            region r { city c { idc a; idc b } }
            availability { machine 100% rack 100% idc 99% city 100% region 100% }
          }
          sets { stripe idc; failover \(failover) }
          gateway edge { replicas 1 per set; route "/s" -> svc }
          service svc { replicas 1 per set; endpoint get GET "/s" { work 1ms } }
        }
        """
    }

    /// With failover a request fails only when every set fails: 1 − 0.01².
    @Test func failoverCombinesTheSets() throws {
        let model = AvailabilityModel(try deployment(AvailabilityModelTests.sets(failover: "nearest")))
        let row = try #require(model.estimates.first)
        #expect(row.count == 2)
        for estimate in row {
            #expect(abs(estimate.availability - (1 - 0.01 * 0.01)) < 1e-12)
            #expect(estimate.bottleneck == "losing every set at once (99.9900%)")
        }
    }

    /// Without failover each set's users depend on their own set's IDC: 0.99.
    @Test func withoutFailoverEachSetStandsAlone() throws {
        let model = AvailabilityModel(try deployment(AvailabilityModelTests.sets(failover: "none")))
        let row = try #require(model.estimates.first)
        #expect(row.map { abs($0.availability - 0.99) < 1e-12 } == [true, true])
        #expect(row.map(\.bottleneck) == ["the domain of set a (99.0000%)", "the domain of set b (99.0000%)"])
    }

    @Test func aCycleLeavesTheModelIncomplete() throws {
        let model = AvailabilityModel(try deployment("""
            architecture loop {
              topology { region r { city c { idc i } } }
              gateway edge { replicas 1 in i; route "/x" -> x }
              service x { replicas 1 in i; endpoint a GET "/x/a" { call x.a } }
            }
            """))
        #expect(!model.isComplete)
        #expect(model.estimates.isEmpty)
    }

    @Test func percentagesHaveFourDecimals() {
        #expect(percent(0.99995) == "99.9950%")
        #expect(percent(1) == "100.0000%")
        #expect(percent(0.970299) == "97.0299%")
    }
}
