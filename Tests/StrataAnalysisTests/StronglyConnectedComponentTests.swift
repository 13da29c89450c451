import Testing
import StrataAnalysis
import StrataModel

/// The call graph's strongly connected components.
@Suite struct StronglyConnectedComponentTests {
    /// a.x → b.y → a.x (hard), b.y → c.z, c.z → c.z (async self-call), d.w alone.
    static let spec = """
    architecture calls {
      topology { region east { city sh { idc a } } }
      service a { replicas 1 per set; endpoint x GET "/a" { call b.y } }
      service b { replicas 1 per set; endpoint y GET "/b" { call a.x; call c.z } }
      service c { replicas 1 per set; endpoint z GET "/c" { call c.z async } }
      service d { replicas 1 per set; endpoint w GET "/d" { work 1ms } }
    }
    """

    @Test func componentsComeCalleesFirstWithTheirCycles() throws {
        let graph = try deployment(StronglyConnectedComponentTests.spec).graph
        let index = { (s: String, e: String) in graph.indexOf[EndpointID(s, e)]! }
        let (x, y, z, w) = (index("a", "x"), index("b", "y"), index("c", "z"), index("d", "w"))
        let scc = graph.stronglyConnectedComponents()
        #expect(scc.components.count == 3)
        #expect(scc.components[scc.componentOf[x]] == [x, y].sorted())
        #expect(scc.componentOf[x] == scc.componentOf[y])
        // c.z is called from the {a.x, b.y} component, so it comes first.
        #expect(scc.componentOf[z] < scc.componentOf[x])
        #expect(scc.cyclic[x] && scc.cyclic[y] && scc.cyclic[z] && !scc.cyclic[w])
        #expect(graph.cycles() == [[x, y].sorted(), [z]].sorted { $0[0] < $1[0] })
    }

    @Test func excludedCallsBreakCycles() throws {
        let graph = try deployment(StronglyConnectedComponentTests.spec).graph
        let z = graph.indexOf[EndpointID("c", "z")]!
        let hard = graph.stronglyConnectedComponents { !$0.async }
        #expect(!hard.cyclic[z])
        #expect(hard.components.count == 3)
        let none = graph.stronglyConnectedComponents { _ in false }
        #expect(none.components.count == graph.endpoints.count)
        #expect(none.cyclic.allSatisfy { !$0 })
    }
}
