import Foundation
import Testing
import StrataGen
@testable import StrataDriver

@Suite struct OutputWriterTests {
    let fm = FileManager.default

    func temporaryDirectory() -> String {
        let dir = NSTemporaryDirectory() + "strata-writer-\(UUID().uuidString)"
        try? fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func read(_ path: String) -> String? { fm.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } }
    func mtime(_ path: String) -> Date? { (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date }

    @Test func writesTheTreeAndAManifest() throws {
        let out = temporaryDirectory() + "/out"
        let summary = try OutputWriter().write([Artifact(path: "a/b.txt", contents: "B"), Artifact(path: "c.txt", contents: "C")], to: out)
        #expect(summary.written == ["a/b.txt", "c.txt"])
        #expect(read(out + "/a/b.txt") == "B")
        #expect(read(out + "/.strata-manifest") == "a/b.txt\nc.txt\n")
    }

    @Test func unchangedFilesAreNotRewritten() throws {
        let out = temporaryDirectory() + "/out"
        let artifacts = [Artifact(path: "same.txt", contents: "same"), Artifact(path: "changes.txt", contents: "v1")]
        _ = try OutputWriter().write(artifacts, to: out)
        let before = try #require(mtime(out + "/same.txt"))
        Thread.sleep(forTimeInterval: 0.02)
        let summary = try OutputWriter().write([artifacts[0], Artifact(path: "changes.txt", contents: "v2")], to: out)
        #expect(summary.unchanged == ["same.txt"])
        #expect(summary.written == ["changes.txt"])
        #expect(mtime(out + "/same.txt") == before)
        #expect(read(out + "/changes.txt") == "v2")
    }

    @Test func userOwnedFilesAreCreatedOnceAndNeverOverwritten() throws {
        let out = temporaryDirectory() + "/out"
        _ = try OutputWriter().write([Artifact(path: "Handlers.swift", contents: "template", ownership: .userOwned)], to: out)
        try "my edits".write(toFile: out + "/Handlers.swift", atomically: true, encoding: .utf8)
        let summary = try OutputWriter().write([Artifact(path: "Handlers.swift", contents: "new template", ownership: .userOwned)], to: out)
        #expect(summary.keptUserOwned == ["Handlers.swift"])
        #expect(read(out + "/Handlers.swift") == "my edits")
    }

    @Test func staleGeneratedFilesAreRemovedAndForeignFilesKept() throws {
        let out = temporaryDirectory() + "/out"
        _ = try OutputWriter().write([Artifact(path: "services/old.swift", contents: "old"), Artifact(path: "services/keep.swift", contents: "k")], to: out)
        try fm.createDirectory(atPath: out + "/services/.build/debug", withIntermediateDirectories: true)
        try "cache".write(toFile: out + "/services/.build/debug/obj", atomically: true, encoding: .utf8)
        try "notes".write(toFile: out + "/NOTES.md", atomically: true, encoding: .utf8)
        let summary = try OutputWriter().write([Artifact(path: "services/keep.swift", contents: "k")], to: out)
        #expect(summary.removed == ["services/old.swift"])
        #expect(!fm.fileExists(atPath: out + "/services/old.swift"))
        #expect(read(out + "/services/.build/debug/obj") == "cache")
        #expect(read(out + "/NOTES.md") == "notes")
    }

    @Test func aFailedWriteLeavesThePreviousOutputUntouched() throws {
        let out = temporaryDirectory() + "/out"
        _ = try OutputWriter().write([Artifact(path: "a.txt", contents: "previous")], to: out)
        #expect(throws: GenerationError.self) {
            try OutputWriter().write([Artifact(path: "a.txt", contents: "next"), Artifact(path: "../escape.txt", contents: "x")], to: out)
        }
        #expect(read(out + "/a.txt") == "previous")
        let siblings = try fm.contentsOfDirectory(atPath: (out as NSString).deletingLastPathComponent)
        #expect(siblings == ["out"], "no staging folder left behind: \(siblings)")
    }

    /// A failure after the live folder's user-owned, unchanged and foreign files were carried into
    /// the staging tree gives every one of them back: nothing of the previous output is lost.
    @Test func aFailureAfterCarryingGivesEverythingBack() throws {
        let out = temporaryDirectory() + "/out"
        let artifacts = [Artifact(path: "gen/same.txt", contents: "same"), Artifact(path: "mine.swift", contents: "template", ownership: .userOwned)]
        _ = try OutputWriter().write(artifacts, to: out)
        try "edited by the user".write(toFile: out + "/mine.swift", atomically: true, encoding: .utf8)
        try fm.createDirectory(atPath: out + "/services/.build", withIntermediateDirectories: true)
        try "cache".write(toFile: out + "/services/.build/object.o", atomically: true, encoding: .utf8)
        struct Fault: Error {}
        var writer = OutputWriter()
        writer.afterCarrying = { throw Fault() }
        #expect(throws: Fault.self) { try writer.write(artifacts + [Artifact(path: "gen/new.txt", contents: "new")], to: out) }
        #expect(read(out + "/mine.swift") == "edited by the user")
        #expect(read(out + "/gen/same.txt") == "same")
        #expect(read(out + "/services/.build/object.o") == "cache")
        #expect(!fm.fileExists(atPath: out + "/gen/new.txt"))
        let siblings = try fm.contentsOfDirectory(atPath: (out as NSString).deletingLastPathComponent)
        #expect(siblings == ["out"], "no staging folder left behind: \(siblings)")
    }

    @Test func executableBitIsApplied() throws {
        let out = temporaryDirectory() + "/out"
        _ = try OutputWriter().write([Artifact(path: "run.sh", contents: "#!/bin/sh\n", executable: true)], to: out)
        #expect(fm.isExecutableFile(atPath: out + "/run.sh"))
    }

    @Test func largeFilesAreWrittenWhole() throws {
        let out = temporaryDirectory() + "/out"
        let big = String(repeating: "0123456789abcdef", count: 1 << 20)  // 16 MiB
        _ = try OutputWriter().write([Artifact(path: "deep/big.txt", contents: big)], to: out)
        #expect(read(out + "/deep/big.txt") == big)
    }
}
