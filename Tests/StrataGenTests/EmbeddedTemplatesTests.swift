import Foundation
import Testing
@testable import StrataGen

@Suite struct EmbeddedTemplatesTests {
    /// The binary's embedded templates equal templates/ (run scripts/embed-templates after editing them).
    @Test func embeddedTemplatesMatchTheTemplatesFolder() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let dir = "/" + root + "/templates"
        var onDisk: [String: String] = [:]
        if let e = FileManager.default.enumerator(atPath: dir) {
            for case let rel as String in e {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: dir + "/" + rel, isDirectory: &isDir), !isDir.boolValue {
                    onDisk[rel] = String(decoding: FileManager.default.contents(atPath: dir + "/" + rel)!, as: UTF8.self)
                }
            }
        }
        #expect(EmbeddedTemplates.all == onDisk, "run scripts/embed-templates")
    }
}
