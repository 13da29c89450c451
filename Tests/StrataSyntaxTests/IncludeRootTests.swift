import Foundation
import StrataDiagnostics
import StrataSyntax
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary project folder on disk, removed when the test is done with it. Real files,
/// symbolic links and FIFOs, because the include root is enforced against the file system.
private final class Project {
    /// The temporary folder, canonical (no symbolic link in it), so that it can be replaced by `TMP` in messages.
    let base: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/strata-include-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let created = try #require(made.map { String(cString: $0) })
        base = try #require(realpath(created, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        })
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// The absolute path of `name` inside the folder.
    func path(_ name: String) -> String { base + "/" + name }

    /// Writes `text` to `name`, creating folders.
    func write(_ name: String, _ text: String) throws {
        try bytes(name, Array(text.utf8))
    }

    /// Writes `bytes` to `name`, creating folders.
    func bytes(_ name: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path(name))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Creates the folder `name`.
    func folder(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: path(name), withIntermediateDirectories: true)
    }

    /// Creates a symbolic link `name` whose target is `target` (as written, relative or absolute).
    func link(_ name: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path(name), withDestinationPath: target)
    }

    /// Creates a FIFO `name`: opening it for reading without O_NONBLOCK would wait for a writer forever.
    func fifo(_ name: String) throws {
        try #require(mkfifo(path(name), 0o600) == 0, "mkfifo: \(String(cString: strerror(errno)))")
    }

    /// `../` as often as it takes to climb from `folder` (inside the project) to `/`.
    func climbToRoot(from folder: String) -> String {
        let depth = path(folder).split(separator: "/").count
        return String(repeating: "../", count: depth)
    }

    /// Loads `root` (a file of the project) from disk.
    func load(_ root: String, includeRoot: String? = nil, limits: SpecReadLimits = SpecReadLimits()) throws -> LoadedSpec {
        try SpecLoader.load(path: path(root), includeRoot: includeRoot, limits: limits)
    }

    /// Every diagnostic as `file:line:col code message`, the project folder shown as `TMP`.
    func lines(_ spec: LoadedSpec) -> [String] {
        spec.diagnostics.sortedForOutput().map { d in
            let location = spec.sources.location(d.primary.span)
            let file = spec.sources.path(d.primary.span)
            return "\(file):\(location.line):\(location.column) \(d.id) \(d.message)".replacingOccurrences(of: base, with: "TMP")
        }
    }

    /// The paths of the files read, the project folder shown as `TMP`.
    func filesRead(_ spec: LoadedSpec) -> [String] {
        spec.sources.files.map { $0.path.replacingOccurrences(of: base, with: "TMP") }
    }
}

/// A root spec whose diagnostics are exactly those of the includes (the loader reports no others).
private func includes(_ paths: String...) -> String {
    paths.map { "include \"\($0)\"\n" }.joined()
}

@Suite struct IncludeRootTests {
    @Test func includesInsideTheRootWorkAsBefore() throws {
        let project = try Project()
        try project.write("main.strata", includes("parts/a.strata", "parts/../b.strata", "./b.strata"))
        try project.write("parts/a.strata", includes("c.strata") + "service a {}\n")
        try project.write("parts/c.strata", "service c {}\n")
        try project.write("b.strata", "service b {}\n")
        let spec = try project.load("main.strata")
        #expect(project.lines(spec) == [])
        // Relative to the including file; `b.strata` spliced once however it is named.
        #expect(project.filesRead(spec) == ["TMP/main.strata", "TMP/parts/a.strata", "TMP/parts/c.strata", "TMP/parts/../b.strata"])
        #expect(spec.statements.map(\.keyword) == ["service", "service", "service"])
    }

    @Test func absolutePathsAreRefusedWithoutReadingThem() throws {
        let project = try Project()
        try project.write("main.strata", includes("/etc/passwd", "/proc/self/environ", "/dev/zero"))
        let spec = try project.load("main.strata")
        #expect(project.lines(spec) == [
            "TMP/main.strata:1:9 E0303 include path \"/etc/passwd\" is absolute",
            "TMP/main.strata:2:9 E0303 include path \"/proc/self/environ\" is absolute",
            "TMP/main.strata:3:9 E0303 include path \"/dev/zero\" is absolute",
        ])
        #expect(project.filesRead(spec) == ["TMP/main.strata"])
        let diagnostic = try #require(spec.diagnostics.first)
        #expect(diagnostic.notes == ["the include root is \"\(project.base)\""])
        #expect(diagnostic.help == "write the path relative to the including file, inside the include root")
    }

    @Test func dotDotEscapesAreRefusedAfterNormalisation() throws {
        let project = try Project()
        try project.write("proj/main.strata", includes("../secret.strata", "sub/../../secret.strata", "sub/../inside.strata", "./../proj/inside.strata"))
        try project.write("proj/inside.strata", "service inside {}\n")
        try project.folder("proj/sub")
        try project.write("secret.strata", "SECRET\n")
        let spec = try project.load("proj/main.strata")
        #expect(project.lines(spec) == [
            "TMP/proj/main.strata:1:9 E0303 include path \"../secret.strata\" leaves the include root",
            "TMP/proj/main.strata:2:9 E0303 include path \"sub/../../secret.strata\" leaves the include root",
        ])
        // `..` is collapsed before the path is compared with the root; a path that comes back into
        // the root is fine (and names one file, spliced once).
        #expect(project.filesRead(spec) == ["TMP/proj/main.strata", "TMP/proj/sub/../inside.strata"])
    }

    @Test func symbolicLinksMayPointInsideTheRootButNotOutside() throws {
        let project = try Project()
        try project.write("proj/main.strata", includes("alias.strata", "out.strata", "etc/passwd", "environ.strata", "zero.strata", "real.strata"))
        try project.write("proj/real.strata", "service real {}\n")
        try project.link("proj/alias.strata", to: "real.strata")
        try project.write("secret.strata", "SECRET\n")
        try project.link("proj/out.strata", to: "../secret.strata")
        try project.link("proj/etc", to: "/etc")
        try project.link("proj/environ.strata", to: "/proc/self/environ")
        try project.link("proj/zero.strata", to: "/dev/zero")
        let spec = try project.load("proj/main.strata")
        let outside = "is reached through a symbolic link that leads outside the include root"
        #expect(project.lines(spec) == [
            "TMP/proj/main.strata:2:9 E0303 included file \"TMP/proj/out.strata\" \(outside)",
            "TMP/proj/main.strata:3:9 E0303 included file \"TMP/proj/etc/passwd\" \(outside)",
            "TMP/proj/main.strata:4:9 E0303 included file \"TMP/proj/environ.strata\" \(outside)",
            "TMP/proj/main.strata:5:9 E0303 included file \"TMP/proj/zero.strata\" \(outside)",
        ])
        // The link inside the root is read; `real.strata` is the same file, spliced once.
        #expect(project.filesRead(spec) == ["TMP/proj/main.strata", "TMP/proj/alias.strata"])
        #expect(spec.statements.count == 1)
    }

    @Test func aCycleThroughASymbolicLinkIsACycle() throws {
        let project = try Project()
        try project.write("a.strata", includes("here/a.strata"))
        try project.link("here", to: ".")
        let spec = try project.load("a.strata")
        #expect(project.lines(spec) == ["TMP/a.strata:1:9 E0302 including \"here/a.strata\" forms a cycle"])
        #expect(spec.diagnostics.first?.notes == ["include chain: \(project.path("a.strata")) -> \(project.path("here/a.strata"))"])
    }

    @Test func fifosDevicesDirectoriesAndProcFilesAreRefusedBeforeReading() throws {
        let project = try Project()
        let up = project.climbToRoot(from: "proj")
        try project.write("proj/main.strata", includes("pipe.strata", "parts", "\(up)dev/zero", "\(up)proc/self/environ", "\(up)dev/null"))
        try project.fifo("proj/pipe.strata")
        try project.folder("proj/parts")
        // With `/` as the include root every path above is inside it: what refuses them is their kind.
        let spec = try project.load("proj/main.strata", includeRoot: "/")
        #expect(project.lines(spec) == [
            "TMP/proj/main.strata:1:9 E0304 included file \"TMP/proj/pipe.strata\" is refused: it is a FIFO, not a regular file",
            "TMP/proj/main.strata:2:9 E0304 included file \"TMP/proj/parts\" is refused: it is a directory, not a regular file",
            "TMP/proj/main.strata:3:9 E0304 included file \"TMP/proj/\(up)dev/zero\" is refused: it is a character device, not a regular file",
            "TMP/proj/main.strata:4:9 E0304 included file \"TMP/proj/\(up)proc/self/environ\" is refused: it is a file of the kernel's proc pseudo-file system, not a regular file",
            "TMP/proj/main.strata:5:9 E0304 included file \"TMP/proj/\(up)dev/null\" is refused: it is a character device, not a regular file",
        ])
        #expect(project.filesRead(spec) == ["TMP/proj/main.strata"])
    }

    @Test func aNulInThePathIsRefusedRatherThanCutShort() throws {
        let project = try Project()
        // The spec writes the NUL as an escape; the string holds a real NUL.
        try project.write("main.strata", "include \"frag.strata\\u{0}.txt\"\n")
        try project.write("frag.strata", "service frag {}\n")
        let spec = try project.load("main.strata")
        #expect(project.lines(spec) == ["TMP/main.strata:1:9 E0306 include path contains a NUL character"])
        #expect(project.filesRead(spec) == ["TMP/main.strata"])
    }

    @Test func filesOverTheLimitAreRefusedAndNothingOfThemIsKept() throws {
        let project = try Project()
        try project.write("main.strata", includes("fits.strata", "big.strata"))
        try project.bytes("fits.strata", Array(repeating: UInt8(ascii: " "), count: 100))
        try project.bytes("big.strata", Array("SECRET".utf8) + Array(repeating: UInt8(ascii: " "), count: 95))
        let spec = try project.load("main.strata", limits: SpecReadLimits(maxFileBytes: 100))
        #expect(project.lines(spec) == ["TMP/main.strata:2:9 E0305 included file \"TMP/big.strata\" is larger than 100 bytes"])
        #expect(spec.diagnostics.first?.notes == ["a spec file may hold at most 100 bytes"])
        #expect(project.filesRead(spec) == ["TMP/main.strata", "TMP/fits.strata"])
    }

    @Test func theTotalOfAllFilesIsLimited() throws {
        let project = try Project()
        let root = includes("a.strata", "b.strata", "c.strata")
        try project.write("main.strata", root)
        for name in ["a", "b", "c"] { try project.bytes("\(name).strata", Array(repeating: UInt8(ascii: " "), count: 40)) }
        let limits = SpecReadLimits(maxFileBytes: 100, maxTotalBytes: root.utf8.count + 80)
        let spec = try project.load("main.strata", limits: limits)
        #expect(project.lines(spec) == [
            "TMP/main.strata:3:9 E0305 included files together exceed \(root.utf8.count + 80) bytes: \"TMP/c.strata\" is refused",
        ])
        #expect(project.filesRead(spec) == ["TMP/main.strata", "TMP/a.strata", "TMP/b.strata"])
    }

    @Test func theDefaultLimitIsEightMebibytes() throws {
        let project = try Project()
        try project.write("main.strata", includes("huge.strata"))
        try project.bytes("huge.strata", Array(repeating: UInt8(ascii: " "), count: 8 << 20 + 1))
        let spec = try project.load("main.strata")
        #expect(project.lines(spec) == ["TMP/main.strata:1:9 E0305 included file \"TMP/huge.strata\" is larger than 8 MiB"])
        #expect(project.filesRead(spec) == ["TMP/main.strata"])
        #expect(SpecReadLimits() == SpecReadLimits(maxFileBytes: 8 << 20, maxTotalBytes: 64 << 20))
    }

    /// An explicit root confines the root spec as well as its includes (docs/decisions.md 31).
    @Test func anExplicitRootConfinesTheRootSpecToo() throws {
        let project = try Project()
        try project.write("specs/main.strata", includes("../shared/common.strata", "local.strata"))
        try project.write("specs/local.strata", "service local {}\n")
        try project.write("shared/common.strata", includes("../specs/local.strata") + "service common {}\n")
        #expect {
            _ = try project.load("specs/main.strata", includeRoot: project.path("shared"))
        } throws: { error in
            (error as? SpecLoader.ReadError).map { $0.refusal == .outsideRoot && $0.description.hasPrefix("it lies outside the include root") } ?? false
        }
        // A root spec inside the root: its includes must still land inside it.
        let spec = try project.load("shared/common.strata", includeRoot: project.path("shared"))
        #expect(project.lines(spec) == [
            "TMP/shared/common.strata:1:9 E0303 include path \"../specs/local.strata\" leaves the include root",
        ])
        #expect(project.filesRead(spec) == ["TMP/shared/common.strata"])
    }

    @Test func theRootSpecMustBeARegularFileWithinTheLimit() throws {
        let project = try Project()
        try project.fifo("pipe.strata")
        try project.write("big.strata", String(repeating: " ", count: 11))
        try project.write("main.strata", "")
        try project.link("linked.strata", to: "main.strata")
        func failure(_ path: String, includeRoot: String? = nil, limits: SpecReadLimits = SpecReadLimits()) -> String {
            do {
                _ = try SpecLoader.load(path: path, includeRoot: includeRoot, limits: limits)
                return "loaded"
            } catch {
                return "\(error)".replacingOccurrences(of: project.base, with: "TMP")
            }
        }
        #expect(failure(project.path("pipe.strata")) == "it is a FIFO, not a regular file")
        #expect(failure("/dev/zero") == "it is a character device, not a regular file")
        #expect(failure("/proc/self/environ") == "it is a file of the kernel's proc pseudo-file system, not a regular file")
        #expect(failure(project.path("big.strata"), limits: SpecReadLimits(maxFileBytes: 10)) == "it is larger than 10 bytes")
        #expect(failure(project.path("missing.strata")) == "No such file or directory")
        #expect(failure(project.path("main.strata"), includeRoot: project.path("nowhere")) == "include root \"TMP/nowhere\": No such file or directory")
        #expect(failure(project.path("main.strata"), includeRoot: project.path("main.strata")) == "include root \"TMP/main.strata\": it is not a directory")
        // The root spec is trusted as a path: a symbolic link to it is followed.
        #expect(failure(project.path("linked.strata")) == "loaded")
    }

    @Test func readersGetThePathRulesAndLimitsToo() {
        let files = ["/p/a.strata": "service a {}\n", "/secret.strata": "SECRET\n", "/p/big.strata": String(repeating: " ", count: 50)]
        let spec = SpecLoader.load(path: "/p/main.strata", text: includes("a.strata", "../secret.strata", "/secret.strata", "big.strata"),
                                   limits: SpecReadLimits(maxFileBytes: 40)) { path in
            guard let text = files[SpecLoader.normalize(path)] else { throw SpecLoader.ReadError("No such file or directory") }
            return Array(text.utf8)
        }
        let lines = spec.diagnostics.sortedForOutput().map { "\(spec.sources.location($0.primary.span)) \($0.id) \($0.message)" }
        #expect(lines == [
            "2:9 E0303 include path \"../secret.strata\" leaves the include root",
            "3:9 E0303 include path \"/secret.strata\" is absolute",
            "4:9 E0305 included file \"/p/big.strata\" is larger than 40 bytes",
        ])
        #expect(spec.sources.files.map(\.path) == ["/p/main.strata", "/p/a.strata"])
    }
}
