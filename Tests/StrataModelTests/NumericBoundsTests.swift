import StrataModel
import Testing

/// Every number is bounded when it is resolved, with a located E0403 that gives the allowed range,
/// so that no later conversion can overflow (issue: huge budgets, work, rate limits and TTLs
/// used to pass `check` and crash `--report`, `diagram` and `build`).
@Suite struct NumericBoundsTests {
    @Test func hugeDurationsAreOutOfRange() {
        let (_, d) = compile(spec("""
          service s {
            replicas 2 per set
            endpoint get GET "/x" {
              budget 99999999999999999999999ms
              work 99999999999999999999h
            }
          }
        """))
        #expect(d == [
            "6:14 E0403 a latency budget must be at most 365 days",
            "7:12 E0403 a processing time must be at most 365 days",
        ])
    }

    @Test func theLongestDurationIsAccepted() {
        let (compilation, d) = compile(spec("""
          service s {
            replicas 2 per set
            endpoint get GET "/x" { budget 8760h }
          }
        """))
        #expect(d.isEmpty)
        #expect(compilation.architecture?.services.first?.endpoints.first?.budgetMilliseconds?.value == 8760.0 * 3_600_000)
        let (_, over) = compile(spec("""
          service s {
            replicas 2 per set
            endpoint get GET "/x" { budget 8761h }
          }
        """))
        #expect(over == ["5:36 E0403 a latency budget must be at most 365 days"])
    }

    @Test func hugeRatesAreOutOfRange() {
        let (_, d) = compile(spec("""
          service s {
            replicas 2 per set
            capacity 99999999999999999999/s
          }
        """))
        #expect(d == ["5:14 E0403 the requests one instance can serve must be at most 1000000000/s"])
    }
}
