import Testing
import StrataAnalysis
import StrataModel

/// `CallGraph.serviceDepths()` and `serviceCallers()` on small call graphs worked out by hand.
@Suite struct ServiceDepthTests {
    /// A spec with one service per entry of `calls`: its name and the services its one endpoint calls.
    static func spec(_ calls: [(service: String, callees: [String])]) -> String {
        var text = """
        architecture depths {
          topology { region east { city sh { idc a { racks 2 } } } }
          gateway edge { replicas 2 per set; auth jwt; rate-limit 100/s; route "/" -> \(calls[0].service) }

        """
        for (service, callees) in calls {
            text += "  service \(service) {\n    replicas 2 per set\n    endpoint run GET \"/\(service)\" {\n"
            for callee in callees { text += "      call \(callee).run\n" }
            text += "    }\n    endpoint local GET \"/\(service)/local\" { call \(service).run }\n  }\n"
        }
        return text + "}\n"
    }

    static func graph(_ calls: [(service: String, callees: [String])]) -> CallGraph {
        let compilation = Compiler.compile(text: spec(calls))
        precondition(!compilation.hasErrors, "\(compilation.diagnostics.map(\.message))")
        return CallGraph(compilation.architecture!)
    }

    /// front → api → db-proxy, and front → db-proxy directly: the longest chain wins.
    static let diamond: [(service: String, callees: [String])] = [
        ("front", ["api", "proxy"]), ("api", ["proxy"]), ("proxy", []), ("batch", []),
    ]

    @Test func depthIsTheLongestChainOfCallersAndIgnoresCallsWithinAService() {
        #expect(ServiceDepthTests.graph(ServiceDepthTests.diamond).serviceDepths() == ["front": 0, "api": 1, "proxy": 2, "batch": 0])
    }

    @Test func depthDoesNotDependOnDeclarationOrder() {
        let reversed = Array(ServiceDepthTests.diamond.reversed())
        #expect(ServiceDepthTests.graph(reversed).serviceDepths() == ServiceDepthTests.graph(ServiceDepthTests.diamond).serviceDepths())
    }

    /// entry → x ⇄ y → z: x counts its caller outside the cycle, y and z have none that no cycle reaches.
    @Test func servicesReachedByACycleCountOnlyCallersOutsideIt() {
        let g = ServiceDepthTests.graph([("entry", ["x"]), ("x", ["y"]), ("y", ["x", "z"]), ("z", [])])
        #expect(g.serviceDepths() == ["entry": 0, "x": 1, "y": 0, "z": 0])
    }

    @Test func callersAreOtherServicesOnly() {
        let callers = ServiceDepthTests.graph(ServiceDepthTests.diamond).serviceCallers()
        #expect(callers == ["api": ["front"], "proxy": ["front", "api"]])
    }
}
