import Testing
import StrataAnalysis
import StrataModel

/// The endpoint call graph: numbering, calls in step order, public endpoints, cycles, callees-first order.
@Suite struct CallGraphTests {
    /// Endpoints 0 a.get, 1 a.list, 2 b.pub, 3 b.internal, 4 c.run; two gateways.
    static let spec = """
        architecture g {
          topology { region r { city c { idc i } } }
          gateway edge {
            replicas 1 in i
            route "/a" -> a
            route "/b/pub" -> b
          }
          gateway admin {
            replicas 1 in i
            route "/c" -> c
          }
          service a {
            replicas 1 in i
            endpoint get GET "/a/{id}" {
              call b.pub
              parallel { call b.internal; call c.run optional }
              call c.run async
            }
            endpoint list GET "/a" { work 1ms }
          }
          service b {
            replicas 1 in i
            endpoint pub GET "/b/pub" { call b.internal }
            endpoint internal GET "/internal/b" { work 1ms }
          }
          service c {
            replicas 1 in i
            endpoint run POST "/c/run" { work 1ms }
          }
        }
        """

    @Test func endpointsAreNumberedInDeclarationOrder() throws {
        let graph = try deployment(CallGraphTests.spec).graph
        #expect(graph.endpoints.map(\.description) == ["a.get", "a.list", "b.pub", "b.internal", "c.run"])
        #expect(graph.indexOf[EndpointID("b", "internal")] == 3)
        #expect(graph.indexOf[EndpointID("b", "nope")] == nil)
    }

    /// Every call, optional and async ones included, in step order with `parallel` flattened.
    @Test func callsKeepStepOrderAndTheirOptions() throws {
        let graph = try deployment(CallGraphTests.spec).graph
        #expect(graph.calls.map { $0.map(\.callee) } == [[2, 3, 4, 4], [], [3], [], []])
        let fromGet = graph.calls[0].map(\.call)
        #expect(fromGet.map(\.isHard) == [true, true, false, false])
        #expect(fromGet.map(\.optional) == [false, false, true, false])
        #expect(fromGet.map(\.async) == [false, false, false, true])
        #expect(fromGet.map(\.timeoutMilliseconds) == [1000, 1000, 1000, 1000])  // the default timeout: 1s
    }

    /// A route makes public every endpoint of its service whose path starts with its prefix,
    /// per gateway and route in declaration order.
    @Test func publicEndpointsFollowTheRoutes() throws {
        let graph = try deployment(CallGraphTests.spec).graph
        let rows = graph.publicEndpoints.map { "\($0.gateway) \($0.route.prefix) \($0.endpoint)" }
        // /a/{id} and /a start with "/a"; /b/pub with "/b/pub" (not /internal/b); /c/run with "/c".
        #expect(rows == ["edge /a a.get", "edge /a a.list", "edge /b/pub b.pub", "admin /c c.run"])
    }

    /// Callees come before their callers; roots are taken in endpoint order, each callee depth first.
    @Test func calleesFirstOrder() throws {
        let graph = try deployment(CallGraphTests.spec).graph
        // From a.get (0): b.pub (2) → b.internal (3) done first, then 2; then c.run (4); then 0; then a.list (1).
        #expect(graph.calleesFirstOrder() == [3, 2, 4, 0, 1])
        #expect(graph.cycles() == [])
        #expect(graph.isAcyclic)
    }

    /// x.a → y.b → z.c → x.a is one cycle, x.self calls itself; z.d only calls into the cycle.
    static let cyclic = """
        architecture loops {
          topology { region r { city c { idc i } } }
          service x {
            replicas 1 in i
            endpoint a GET "/x/a" { call y.b }
            endpoint self GET "/x/self" { call x.self }
            endpoint leaf GET "/x/leaf" { work 1ms }
          }
          service y {
            replicas 1 in i
            endpoint b GET "/y/b" { call z.c optional }
          }
          service z {
            replicas 1 in i
            endpoint c GET "/z/c" { call x.leaf; call x.a async }
            endpoint d GET "/z/d" { call z.c }
          }
        }
        """

    /// Optional and async calls close cycles too: they are still calls.
    @Test func cyclesAreTheStronglyConnectedComponentsWithACycle() throws {
        let graph = try deployment(CallGraphTests.cyclic).graph
        #expect(graph.endpoints.map(\.description) == ["x.a", "x.self", "x.leaf", "y.b", "z.c", "z.d"])
        // {x.a, y.b, z.c} and the self-call {x.self}; x.leaf and z.d are in no cycle.
        #expect(graph.cycles() == [[0, 3, 4], [1]])
        #expect(!graph.isAcyclic)
        #expect(graph.calleesFirstOrder() == nil)
    }

    @Test func aGraphWithoutGatewaysHasNoPublicEndpoints() throws {
        #expect(try deployment(CallGraphTests.cyclic).graph.publicEndpoints.isEmpty)
    }
}
