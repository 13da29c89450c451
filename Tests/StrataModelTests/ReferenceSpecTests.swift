import Testing
import StrataDiagnostics
import StrataModel
import StrataSyntax
import StrataTestSupport

@Suite struct ReferenceSpecTests {
    @Test func shopResolvesWithoutDiagnostics() throws {
        let compilation = try Compiler.compile(path: repositoryPath("specs/shop.strata"))
        #expect(compilation.diagnostics.isEmpty, "\(compilation.diagnostics.map(\.message))")
        let arch = try #require(compilation.architecture)
        #expect(arch.name == "shop")
        #expect(arch.survive == .idc)
        #expect(arch.slo?.value == 0.9995)
        #expect(arch.sets.map(\.name) == ["sh-a", "sh-b", "hz-a"])
        #expect(arch.striping.routing == .headerHash("x-user-id"))
        #expect(arch.topology.latency.perLevel[.city] == 6)
        #expect(arch.topology.latency.perLevel[.region] == 40)  // default
    }

    @Test func shopPlacementIsRoundRobinDownToMachines() throws {
        let arch = try #require(try Compiler.compile(path: repositoryPath("specs/shop.strata")).architecture)
        // 3 per set: racks alternate r1, r2, r1; each instance in a rack gets its own machine.
        #expect(arch.placements(.service, "orders") == [
            "sh-a-r1-m1@sh-a#sh-a", "sh-a-r2-m1@sh-a#sh-a", "sh-a-r1-m2@sh-a#sh-a",
            "sh-b-r1-m1@sh-b#sh-b", "sh-b-r2-m1@sh-b#sh-b", "sh-b-r1-m2@sh-b#sh-b",
            "hz-a-r1-m1@hz-a#hz-a", "hz-a-r2-m1@hz-a#hz-a", "hz-a-r1-m2@hz-a#hz-a",
        ])
        // 3 across idc: one per IDC in declaration order, shared by all sets.
        #expect(arch.placements(.registry, "registry") == ["sh-a-r1-m1@sh-a", "sh-b-r1-m1@sh-b", "hz-a-r1-m1@hz-a"])
        #expect(arch.placements(.store, "orders-db") == ["sh-a-r1-m1@sh-a", "sh-b-r1-m1@sh-b", "hz-a-r1-m1@hz-a"])
        let db = try #require(arch.store("orders-db"))
        #expect(db.readQuorum == 2 && db.writeQuorum == 2)  // majority of 3 for sync
        let users = try #require(arch.store("users-db"))
        #expect(users.readQuorum == 1 && users.writeQuorum == 1)  // async
        #expect(arch.instances[ComponentID(.gateway, "edge")]?.count == 6)
    }

    @Test func callsAndStepsAreResolved() throws {
        let arch = try #require(try Compiler.compile(path: repositoryPath("specs/shop.strata")).architecture)
        let create = try #require(arch.endpoint("orders", "create"))
        #expect(create.method == .POST && create.path == "/api/orders" && create.idempotent)
        #expect(create.budgetMilliseconds?.value == 400)
        guard case .call(let call) = create.steps[1] else { Issue.record("expected a call"); return }
        #expect(call.service == "users" && call.endpoint == "get" && call.timeoutMilliseconds == 60 && call.retries == 1 && call.isHard)
        let route = try #require(arch.gateway("edge")?.routes.last)
        #expect(route.prefix == "/api/users" && route.timeoutMilliseconds == 200 && route.retries == 1)
    }

    @Test func everySpecInSpecsFolderResolvesCleanly() throws {
        let specs = try strataFiles(in: "specs")
        #expect(specs.count >= 4)
        for spec in specs {
            let path = repositoryPath(spec)
            let compilation = try Compiler.compile(path: path)
            let rendered = TextRenderer(sources: compilation.sources, color: false).render(compilation.diagnostics)
            #expect(compilation.diagnostics.isEmpty, "\(path):\n\(rendered)")
            #expect(compilation.architecture != nil)
        }
    }
}
