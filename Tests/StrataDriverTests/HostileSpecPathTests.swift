import Foundation
import StrataDriver
import StrataGen
import StrataTestSupport
import Testing
import Yams

/// The spec's path (the user's folder name) goes into the header comment of every generated file.
/// Whatever it holds, every comment stays one comment: no ESC or line break reaches a file, the
/// Markdown header stays one HTML comment, every YAML file still parses, and the text is cut short.
@Suite struct HostileSpecPathTests {
    static let hostilePath = "specs/--><script>alert(1)</script>\u{1B}[2J\u{202E}\n# injected: true\r" + String(repeating: "d", count: 5_000) + "/shop.strata"

    @Test func everyHeaderStaysAComment() throws {
        let checked = try Pipeline.check(path: repositoryRoot.appendingPathComponent("specs/shop.strata").path)
        let artifacts = try BuildPipeline().artifacts(for: checked, specPath: Self.hostilePath)
        #expect(artifacts.count > 20)
        for artifact in artifacts where artifact.ownership == .generated {
            let text = String(decoding: artifact.contents, as: UTF8.self)
            #expect(!text.unicodeScalars.contains("\u{1B}"), "\(artifact.path): a raw ESC")
            #expect(!text.unicodeScalars.contains("\u{202E}"), "\(artifact.path): a raw bidi override")
            #expect(!text.split(separator: "\n").contains { $0.hasPrefix("# injected") }, "\(artifact.path): the folder name broke out of its comment")
            #expect(!text.contains(String(repeating: "d", count: 400)), "\(artifact.path): the header was not cut")
            if artifact.path.hasSuffix(".md") {
                let first = try #require(text.split(separator: "\n").first.map(String.init))
                if first.hasPrefix("<!--") {
                    #expect(first.hasSuffix("-->"))
                    #expect(first.dropFirst(4).dropLast(3).contains("--") == false, "\(artifact.path): `--` inside an HTML comment")
                }
            }
            if artifact.path.hasSuffix(".yaml") || artifact.path.hasSuffix(".yml") {
                #expect(throws: Never.self, "\(artifact.path) no longer parses") { _ = try Array(Yams.load_all(yaml: text)) }
            }
        }
    }
}
