import Foundation
import StrataDriver
import StrataGen
import StrataModel
import StrataRules
import Testing

@testable import strata

/// In-process tests of what `strata up` runs.
@Suite struct UpPlanTests {
    static let specPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("specs/shop.strata").path

    func plan(_ arguments: [String], work: URL = URL(fileURLWithPath: "/work/up")) throws -> UpPlan {
        let up = try Up.parse([Self.specPath] + arguments)
        let compilation = try Compiler.compile(path: Self.specPath)
        let architecture = try #require(compilation.architecture)
        return UpPlan(architecture: architecture, work: work, proxy: up.proxy, scratchPath: up.scratchPath, release: up.release)
    }

    /// The etcd members come from the generated member files, as `strata up` builds them.
    @Test func etcdMembersAreReadFromTheGeneratedRegistry() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("strata-up-plan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let checked = Pipeline.check(try Compiler.compile(path: Self.specPath))
        guard case .written = BuildPipeline(targets: [.registry]).run(checked, specPath: Self.specPath, outputDirectory: work.path) else {
            Issue.record("the registry target was not built")
            return
        }
        let plan = try plan([], work: work)
        #expect(plan.etcd.map(\.name) == ["etcd-1", "etcd-2", "etcd-3"])
        #expect(plan.etcd.map(\.url) == ["http://127.0.0.1:23790", "http://127.0.0.1:23792", "http://127.0.0.1:23794"])
        #expect(plan.instances.allSatisfy { $0.environment["STRATA_ETCD_ENDPOINTS"]?.isEmpty == false })
    }

    @Test func executablesComeFromTheDebugBuildByDefault() throws {
        let plan = try plan(["--scratch-path", "/cache"])
        #expect(plan.executables.map(\.path) == ["/cache/debug/orders", "/cache/debug/users"])
        #expect(plan.instances.allSatisfy { $0.arguments.first?.hasPrefix("/cache/debug/") == true })
    }

    @Test func releaseRunsTheOptimisedBuild() throws {
        let plan = try plan(["--scratch-path", "/cache", "--release"])
        #expect(plan.executables.map(\.path) == ["/cache/release/orders", "/cache/release/users"])
        #expect(!plan.instances.isEmpty)
        #expect(plan.instances.allSatisfy { $0.arguments.first?.hasPrefix("/cache/release/") == true })
    }

    @Test func theScratchFolderDefaultsToTheServicesPackage() throws {
        let plan = try plan([])
        #expect(plan.executables.first?.path == "/work/up/services/.build/debug/orders")
    }
}
