import Foundation
import StrataTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `strata check` on specs written by strangers, as CI runs it on pull requests: includes
/// that reach for secrets are refused in every output format and leak nothing, and a root
/// spec that is not a regular file is a read error (exit 2), not a hang.
@Suite struct UntrustedSpecTests {
    /// A spec that tries every way out of its folder, with the refusals it must get.
    private static let escapes = """
        include "/proc/self/environ"
        include "/etc/passwd"
        include "env.strata"
        include "../outside.strata"
        include "pipe.strata"

        """

    private func project() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("proj/main.strata", Self.escapes)
        try directory.write("outside.strata", "OUTSIDE-\(UUID().uuidString)\n")
        try FileManager.default.createSymbolicLink(atPath: directory.url.appendingPathComponent("proj/env.strata").path,
                                                   withDestinationPath: "/proc/self/environ")
        try #require(mkfifo(directory.url.appendingPathComponent("proj/pipe.strata").path, 0o600) == 0)
        return directory
    }

    @Test func refusedIncludesLeakNothingInAnyFormat() throws {
        let directory = try project()
        let secret = "strata-secret-\(UUID().uuidString)"
        let outside = try #require(directory.read("outside.strata"))
        let passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8))?.split(separator: "\n").first.map(String.init)
        for format in ["text", "json", "sarif", "github", "junit"] {
            let result = try StrataProcess.run(["check", "proj/main.strata", "--format", format], in: directory.url,
                                               environment: ["STRATA_CI_TOKEN": secret])
            #expect(result.status == 1, "\(format): \(result.standardError)")
            #expect(result.standardError.isEmpty, "\(format)")
            let output = result.standardOutput
            #expect(!output.contains(secret), "\(format) printed the environment")
            #expect(!output.contains(outside.trimmingCharacters(in: .newlines)), "\(format) printed a file outside the root")
            if let passwd { #expect(!output.contains(passwd), "\(format) printed /etc/passwd") }
            for code in ["E0303", "E0304"] { #expect(output.contains(code), "\(format) lacks \(code)") }
        }
        let text = try StrataProcess.run(["check", "proj/main.strata"], in: directory.url).standardOutput
        let headers = text.split(separator: "\n").filter { $0.hasPrefix("proj/main.strata:") && $0.contains("error[E03") }
        #expect(headers == [
            "proj/main.strata:1:9: error[E0303]: include path \"/proc/self/environ\" is absolute",
            "proj/main.strata:2:9: error[E0303]: include path \"/etc/passwd\" is absolute",
            "proj/main.strata:3:9: error[E0303]: included file \"proj/env.strata\" is reached through a symbolic link that leads outside the include root",
            "proj/main.strata:4:9: error[E0303]: include path \"../outside.strata\" leaves the include root",
            "proj/main.strata:5:9: error[E0304]: included file \"proj/pipe.strata\" is refused: it is a FIFO, not a regular file",
        ])
    }

    @Test func aRootSpecThatIsNotARegularFileIsAReadError() throws {
        let directory = try project()
        for (spec, reason) in [
            ("proj/pipe.strata", "it is a FIFO, not a regular file"),
            ("/dev/zero", "it is a character device, not a regular file"),
            ("/proc/self/environ", "it is a file of the kernel's proc pseudo-file system, not a regular file"),
        ] {
            let result = try StrataProcess.run(["check", spec], in: directory.url)
            #expect(result.status == 2, "\(spec)")
            #expect(result.standardError == "strata: error: cannot read \(spec): \(reason)\n")
        }
    }

    /// A spec's file name reaches the terminal escaped in every message, not just in diagnostics: a
    /// pull request can add `specs/\u{1B}[2J.strata`, and `specs/*.strata` expands to it.
    @Test func hostileFileNamesAreShownEscaped() throws {
        let directory = try TemporaryDirectory()
        let shop = try String(contentsOf: repositoryRoot.appendingPathComponent("specs/shop.strata"), encoding: .utf8)
        let name = "x\u{1B}[2J\u{202E}.strata"
        try directory.write(name, shop)
        let shown = #"x\u{1B}[2J\u{202E}.strata"#
        let report = try StrataProcess.run(["check", name, "--report"], in: directory.url)
        #expect(report.status == 0)
        #expect(report.standardOutput.contains("report for shop (\(shown)): survive idc"))
        let missing = try StrataProcess.run(["check", "gone\u{1B}.strata"], in: directory.url)
        #expect(missing.status == 2)
        #expect(missing.standardError.hasPrefix(#"strata: error: cannot read gone\u{1B}.strata: "#), "\(missing.standardError)")
        try directory.write(name, shop + "\n\n")
        let fmt = try StrataProcess.run(["fmt", "--check", name], in: directory.url)
        #expect(fmt.status == 1)
        #expect(fmt.standardOutput.hasPrefix("would reformat \(shown)\n--- \(shown)\n+++ \(shown) (formatted)\n"), "\(fmt.standardOutput)")
        for output in [report.standardOutput, report.standardError, missing.standardError, fmt.standardOutput, fmt.standardError] {
            #expect(!output.unicodeScalars.contains("\u{1B}") && !output.unicodeScalars.contains("\u{202E}"))
        }
    }

    /// `fmt` reads like the compiler: a FIFO or a device is refused at once instead of hanging.
    @Test func fmtRefusesWhatIsNotARegularFile() throws {
        let directory = try project()
        for (spec, reason) in [("proj/pipe.strata", "it is a FIFO, not a regular file"), ("/dev/zero", "it is a character device, not a regular file")] {
            let result = try StrataProcess.run(["fmt", spec], in: directory.url)
            #expect(result.status == 2, "\(spec)")
            #expect(result.standardError == "strata fmt: cannot read \(spec): \(reason)\n")
        }
    }

    /// With `--include-root`, a root spec must lie inside it too: a symbolic link committed as a
    /// spec cannot make `check` read (and quote) a file outside the project.
    @Test func anExplicitIncludeRootConfinesTheRootSpecs() throws {
        let directory = try project()
        try FileManager.default.createSymbolicLink(atPath: directory.url.appendingPathComponent("proj/passwd.strata").path,
                                                   withDestinationPath: "/etc/passwd")
        let result = try StrataProcess.run(["check", "proj/passwd.strata", "--include-root", "proj"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.standardOutput.contains("root:") == false)
        #expect(result.standardError == "strata: error: cannot read proj/passwd.strata: it lies outside the include root \"proj\"\n")
    }

    @Test func explainDescribesTheRefusals() throws {
        let directory = try TemporaryDirectory()
        for (code, name) in [("E0303", "include-outside-root"), ("E0304", "include-not-regular-file"),
                             ("E0305", "include-too-large"), ("E0306", "include-path-invalid")] {
            let result = try StrataProcess.run(["explain", code], in: directory.url)
            #expect(result.status == 0, "\(code)")
            #expect(result.standardOutput.contains(name), "\(code): \(result.standardOutput)")
        }
    }
}
