import Foundation
import StrataTestSupport
import Testing
@testable import StrataGen

/// The `k8s` and `compose` targets' output for the reference spec (specs/shop.strata), compared
/// whole-file with Goldens/deploy/. After an intended change, re-record with
/// `STRATA_RECORD=1 swift test --filter KubernetesGoldenTests` (the run still fails, so recording
/// is never silent) and review the diff.
@Suite struct KubernetesGoldenTests {
    static let goldens = repositoryRoot.appendingPathComponent("Tests/StrataGenTests/Goldens/deploy")
    static let spec = "specs/shop.strata"

    @Test func shopMatchesTheGoldens() throws {
        let artifacts = try DeployFixture.build(spec: Self.spec).artifacts
        for artifact in artifacts { #expect(artifact.path.hasPrefix("deploy/")) }
        try GoldenFiles.compare(artifacts.map { (String($0.path.dropFirst("deploy/".count)), $0.contents) }, goldens: Self.goldens)
    }
}
