import Testing
import StrataAnalysis
import StrataModel

/// The dense indexes the analyses share: components, striped or shared, instances per set.
@Suite struct DeploymentTests {
    /// Sets a, b, z (stripe idc). idc a has racks a-r1 and a-r2; b and z one implicit rack each.
    static let spec = """
        architecture d {
          topology {
            region r {
              city c1 { idc a { racks 2 }; idc b }
              city c2 { idc z }
            }
          }
          sets { stripe idc }
          discovery {
            mode registry
            replicas 3 across idc
          }
          gateway edge { replicas 2 per set; route "/s" -> svc }
          service svc {
            replicas 2 per set
            endpoint get GET "/s" { read db; write cache }
          }
          service batch {
            replicas 3 across city
            endpoint run POST "/internal/run" { work 1ms }
          }
          store db { consistency strong; replicas 3 across idc }
          store cache { engine redis; consistency eventual; replicas 1 per set }
        }
        """

    @Test func componentsAreSortedByKindThenName() throws {
        let d = try deployment(DeploymentTests.spec)
        #expect(d.components.map(\.description) == [
            "registry registry", "gateway edge", "service batch", "service svc", "store cache", "store db",
        ])
        #expect(d.striped == [false, true, false, true, true, false])
        #expect(d.setCount == 3)
        #expect(d.architecture.sets.map(\.name) == ["a", "b", "z"])
        #expect(d.index(of: ComponentID(.store, "db")) == 5)
        #expect(d.index(of: ComponentID(.store, "nope")) == nil)
    }

    /// Striped components have one group per set; shared ones one group of all their instances.
    @Test func instancesPerSetStripedAndShared() throws {
        let d = try deployment(DeploymentTests.spec)
        // per set: inside the set's IDC, round-robin over its racks; a rack without a machine count
        // gives a component's k-th instance in it machine k.
        #expect(d.machines(ComponentID(.gateway, "edge")) == [["a-r1-m1", "a-r2-m1"], ["b-r1-m1", "b-r1-m2"], ["z-r1-m1", "z-r1-m2"]])
        #expect(d.machines(ComponentID(.store, "cache")) == [["a-r1-m1"], ["b-r1-m1"], ["z-r1-m1"]])
        // across city: c1, c2, c1 again; inside c1 the 1st visit goes to idc a, the 2nd to idc b.
        #expect(d.machines(ComponentID(.service, "batch")) == [["a-r1-m1", "z-r1-m1", "b-r1-m1"]])
        // across idc: a, b, z.
        #expect(d.machines(ComponentID(.store, "db")) == [["a-r1-m1", "b-r1-m1", "z-r1-m1"]])
        #expect(d.machines(ComponentID(.registry, "registry")) == [["a-r1-m1", "b-r1-m1", "z-r1-m1"]])
    }

    @Test func instancesServingASet() throws {
        let d = try deployment(DeploymentTests.spec)
        let edge = try #require(d.index(of: ComponentID(.gateway, "edge")))
        let db = try #require(d.index(of: ComponentID(.store, "db")))
        let name = { (i: Instance) in d.architecture.topology[i.machine].name }
        // A striped component serves its own set; with no set given, all of its instances.
        #expect(d.instances(of: edge, inSet: 1).map(name) == ["b-r1-m1", "b-r1-m2"])
        #expect(d.instances(of: edge, inSet: nil).count == 6)
        #expect(d.instances(of: edge, inSet: 2).map(\.set) == [2, 2])
        // A shared component serves every set with all of its instances.
        #expect(d.instances(of: db, inSet: 1).map(name) == ["a-r1-m1", "b-r1-m1", "z-r1-m1"])
        #expect(d.instances(of: db, inSet: 0).map(\.set) == [nil, nil, nil])
    }

    @Test func endpointsKnowTheirServiceComponentAndModel() throws {
        let d = try deployment(DeploymentTests.spec)
        // Endpoints in declaration order: svc.get, batch.run; components 3 (svc) and 2 (batch).
        #expect(d.graph.endpoints.map(\.description) == ["svc.get", "batch.run"])
        #expect(d.endpointService == [3, 2])
        #expect(d.endpointModels.map(\.path) == ["/s", "/internal/run"])
    }

    /// Quorum stores need the majority of their voters, raised to the declared quorum; others one replica.
    @Test func quorumNeeded() throws {
        let d = try deployment("""
            architecture q {
              topology { region r { city c { idc i } } }
              store majority { consistency strong; replicas 5 in i }
              store declared { consistency strong; replicas 3 in i; quorum read 1 write 3 }
              store eventual { consistency eventual; replicas 3 in i }
              store session { consistency session; replicas 4 in i }
            }
            """)
        let store = { (name: String) in try #require(d.architecture.store(name)) }
        // 5 voters: ⌊5/2⌋ + 1 = 3 for both.
        #expect(Deployment.quorumNeeded(try store("majority"), voters: 5, write: true) == 3)
        #expect(Deployment.quorumNeeded(try store("majority"), voters: 5, write: false) == 3)
        // write max(2, 3) = 3; read max(2, 1) = 2: a declared quorum never goes below the majority.
        #expect(Deployment.quorumNeeded(try store("declared"), voters: 3, write: true) == 3)
        #expect(Deployment.quorumNeeded(try store("declared"), voters: 3, write: false) == 2)
        // Eventual consistency with async replication: any one replica.
        #expect(Deployment.quorumNeeded(try store("eventual"), voters: 3, write: true) == 1)
        // Session consistency replicates synchronously: 4 voters need ⌊4/2⌋ + 1 = 3.
        #expect(Deployment.quorumNeeded(try store("session"), voters: 4, write: true) == 3)
        // The default quorum is resolved from the placement (a majority of 5 is 3), so fewer voters
        // passed in never lower it: max(⌊2/2⌋ + 1, 3) = 3.
        #expect(Deployment.quorumNeeded(try store("majority"), voters: 2, write: true) == 3)
    }

    /// A machine is down when any failed domain contains it.
    @Test func failureStateDecidesWhichMachinesAreDown() throws {
        let d = try deployment(DeploymentTests.spec)
        let topology = d.architecture.topology
        let machines = try ["a-r1-m1", "a-r2-m1", "b-r1-m1", "z-r1-m1"].map { try d.domain($0) }
        let down = { (state: FailureState) in machines.filter(state.isDown).map { topology[$0].name } }
        let (r2, c1, r1, z) = (try d.domain("a-r2"), try d.domain("c1"), try d.domain("a-r1"), try d.domain("z"))
        #expect(down(FailureState(nil, topology: topology)) == [])
        #expect(down(FailureState(r2, topology: topology)) == ["a-r2-m1"])
        #expect(down(FailureState(c1, topology: topology)) == ["a-r1-m1", "a-r2-m1", "b-r1-m1"])
        let both = FailureState([r1, z], topology: topology)
        #expect(down(both) == ["a-r1-m1", "z-r1-m1"])
        #expect(both.domain == nil)  // several failed: no single domain
        #expect(FailureState(z, topology: topology).domain == z)
    }
}
