import Foundation
import StrataTestSupport
import Testing

/// `strata diagram --png`: the image is collected from rsvg-convert and written atomically.
@Suite struct DiagramCommandTests {
    static let shop = repositoryRoot.appendingPathComponent("specs/shop.strata").path

    @Test func aPNGIsWrittenWholeIntoAFolderThatDidNotExist() throws {
        _ = try ExternalTool.require("rsvg-convert", package: "librsvg2-bin")
        let directory = try TemporaryDirectory()
        let result = try StrataProcess.run(["diagram", Self.shop, "--png", "-o", "new/folder/shop.png"], in: directory.url)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        let bytes = try [UInt8](Data(contentsOf: directory.url.appendingPathComponent("new/folder/shop.png")))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(bytes.count > 10_000)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("new/folder").path)
        #expect(leftovers == ["shop.png"], "no temporary file is left beside it")
    }

    @Test func aPNGThatCannotBeWrittenLeavesNothing() throws {
        _ = try ExternalTool.require("rsvg-convert", package: "librsvg2-bin")
        let directory = try TemporaryDirectory()
        try directory.write("file", "not a folder\n")
        let result = try StrataProcess.run(["diagram", Self.shop, "--png", "-o", "file/shop.png"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("strata: error: cannot write file/shop.png: "), "\(result.standardError)")
        #expect(directory.read("file") == "not a folder\n")
    }
}
