import Foundation
import StrataModel
import Testing

@testable import strata

/// In-process tests of what `strata up` runs.
@Suite struct UpPlanTests {
    static let specPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("specs/shop.strata").path

    func plan(_ arguments: [String]) throws -> UpPlan {
        let up = try Up.parse([Self.specPath] + arguments)
        let compilation = try Compiler.compile(path: Self.specPath)
        let architecture = try #require(compilation.architecture)
        return UpPlan(architecture: architecture, work: URL(fileURLWithPath: "/work/up"), proxy: up.proxy,
                      scratchPath: up.scratchPath, release: up.release)
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
