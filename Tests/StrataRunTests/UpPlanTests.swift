import Foundation
import StrataDriver
import StrataGen
import StrataRun
import Testing

/// What `strata up` runs, planned from the emitters' plans (no generated file is read).
@Suite struct UpPlanTests {
    static let specPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("specs/shop.strata").path

    func plan(scratchPath: String? = nil, release: Bool = false, work: URL = URL(fileURLWithPath: "/nonexistent/up")) throws -> UpPlan {
        let checked = try Pipeline.check(path: Self.specPath)
        let analyses = try #require(checked.analyses)
        return LocalRun.plan(analyses, work: work, proxy: .spec, scratchPath: scratchPath, release: release)
    }

    /// The work folder does not even exist: the plan comes from the emitters, not from their files.
    @Test func etcdMembersComeFromTheRegistryEmitter() throws {
        let plan = try plan()
        #expect(plan.etcd.map(\.name) == ["etcd-1", "etcd-2", "etcd-3"])
        #expect(plan.etcd.map(\.url) == ["http://127.0.0.1:23790", "http://127.0.0.1:23792", "http://127.0.0.1:23794"])
        #expect(plan.etcd.map(\.probePort) == [23790, 23792, 23794])
        #expect(plan.etcd.map { $0.arguments.last } == ["/nonexistent/up/registry/etcd/etcd-1.conf.yaml",
                                                          "/nonexistent/up/registry/etcd/etcd-2.conf.yaml",
                                                          "/nonexistent/up/registry/etcd/etcd-3.conf.yaml"])
        #expect(plan.instances.count == 15)
        for instance in plan.instances {
            #expect(instance.environment["STRATA_ETCD_ENDPOINTS"] == "http://127.0.0.1:23790,http://127.0.0.1:23792,http://127.0.0.1:23794")
        }
    }

    /// The plan's members are the ones the registry target writes configurations for.
    @Test func etcdMembersMatchTheGeneratedConfigurations() throws {
        let checked = try Pipeline.check(path: Self.specPath)
        let artifacts = try BuildPipeline(targets: [.registry]).artifacts(for: checked, specPath: Self.specPath)
        let configs = artifacts.map(\.path).filter { $0.hasSuffix(".conf.yaml") }.sorted()
        #expect(try plan().build.etcdMembers.map(\.configFile).sorted() == configs)
    }

    @Test func executablesComeFromTheDebugBuildByDefault() throws {
        let plan = try plan(scratchPath: "/cache")
        #expect(plan.executables.map(\.path) == ["/cache/debug/orders", "/cache/debug/users"])
        #expect(plan.instances.count == 15)
        for instance in plan.instances { #expect(instance.arguments.first?.hasPrefix("/cache/debug/") == true) }
    }

    @Test func releaseRunsTheOptimisedBuild() throws {
        let plan = try plan(scratchPath: "/cache", release: true)
        #expect(plan.executables.map(\.path) == ["/cache/release/orders", "/cache/release/users"])
        #expect(plan.instances.count == 15)
        for instance in plan.instances { #expect(instance.arguments.first?.hasPrefix("/cache/release/") == true) }
    }

    @Test func theScratchFolderDefaultsToTheServicesPackage() throws {
        #expect(try plan().executables.first?.path == "/nonexistent/up/services/.build/debug/orders")
    }

    @Test func oneGatewayPerSetStartsAfterTheInstances() throws {
        let plan = try plan()
        #expect(plan.gateways.map(\.name) == ["edge-sh-a", "edge-sh-b", "edge-hz-a"])
        #expect(plan.all.map(\.kind) == Array(repeating: .registry, count: 3) + Array(repeating: .service, count: 15)
            + Array(repeating: .gateway, count: 3))
    }
}
