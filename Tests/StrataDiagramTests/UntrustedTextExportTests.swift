import Foundation
@testable import StrataDiagram
import StrataDiagnostics
import StrataModel
import StrataTestSupport
import Testing

/// The SVG, DOT and Mermaid exports of a spec whose strings were written to break them: NUL,
/// quotes, backslashes, newlines, ESC, a bidi override, and values far longer than a label
/// (a 100,000-character description; the CDN path has 1,000, more than a label shows).
@Suite struct UntrustedTextExportTests {
    /// Everything the spec language lets a string hold that DOT must not see raw (as spec escapes).
    private static let hostile = #"a\u{0}b\"c\\d\u{1B}e\u{7}f\u{202E}g\u{85}h"#
    /// The same with a newline, which header names may not hold either but other strings may.
    private static let hostileLines = hostile + #"\n\"quoted\" line\\"#
    private static let long = String(repeating: "L", count: 1_000)
    /// 100,000 characters of free text: words, then one word longer than any line.
    private static let hugeDescription = String(repeating: "word ", count: 10_000) + String(repeating: "W", count: 50_000)

    /// The longest header name the compiler accepts (``ValueSyntax/maxNameLength``).
    private static let longName = "x-" + String(repeating: "n", count: ValueSyntax.maxNameLength - 2)

    /// `specs/shop.strata` with its description (free text) replaced by hostile values, and its set
    /// routing header, service key, shard key and CDN path by the longest values the compiler
    /// accepts (it refuses hostile characters in those, see ValueSyntaxTests).
    private static let spec: String = {
        var text = (try? String(contentsOfFile: repositoryRoot.appendingPathComponent("specs/shop.strata").path, encoding: .utf8)) ?? ""
        let edits = [
            ("description \"Online shop\"", "description \"\(hostileLines)\(hugeDescription)\""),
            ("route header \"x-user-id\" hash", "route header \"\(longName)\" hash"),
            ("key \"x-user-id\"", "key \"\(longName)\""),
            ("shards 16 key \"user_id\"", "shards 16 key \"\(longName)\""),
            ("cdn { path \"/static/*\"; ttl 1h }", "cdn { path \"/\(long)*\"; ttl 1h }"),
        ]
        for (original, replacement) in edits {
            precondition(text.contains(original), "specs/shop.strata changed: \(original) is gone; update this test")
            text = text.replacingOccurrences(of: original, with: replacement)
        }
        return text
    }()

    private func architecture() throws -> Architecture {
        let compilation = Compiler.compile(text: Self.spec, path: repositoryRoot.appendingPathComponent("specs/hostile.strata").path)
        let architecture = try #require(compilation.architecture)
        let errors = compilation.diagnostics.filter { $0.severity == .error }.map { "\($0.id) \($0.message.prefix(200))" }
        try #require(errors.isEmpty, "\(errors)")
        return architecture
    }

    private func diagrams() throws -> [(String, Diagram)] {
        let architecture = try architecture()
        var views: [(String, DiagramOptions)] = [("topology", DiagramOptions(view: .topology)), ("calls", DiagramOptions(view: .calls))]
        for set in architecture.sets { views.append(("set \(set.name)", DiagramOptions(view: .set(set.name)))) }
        return try views.map { ($0.0, try DiagramBuilder.build(architecture, options: $0.1)) }
    }

    @Test func dotAcceptsTheExportAndNothingIsRaw() throws {
        let directory = temporaryDirectory("hostile-dot")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let exports = try diagrams().map { ($0.0, DOTExporter().export($0.1)) }
        // The longest accepted values reached the export, cut short (hostile characters cannot reach
        // it from a spec any more: the compiler refuses them in every value DOT shows, and the
        // description, the only free text, is not exported; `quote` is tested on them below).
        let topology = try #require(exports.first { $0.0 == "topology" }?.1)
        #expect(topology.contains("requests reach it by hash of header \(Self.longName)"))
        #expect(topology.contains("LLL…"))
        for (view, dot) in exports {
            for scalar in dot.unicodeScalars where scalar != "\n" {
                #expect(scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value) && scalar != "\u{202E}",
                        "\(view): raw U+\(String(scalar.value, radix: 16)) in the DOT text")
            }
            let longest = dot.split(separator: "\n").map(\.utf8.count).max() ?? 0
            #expect(longest < 16 * 1024, "\(view): a line of \(longest) bytes")

            let file = directory + "/\(view).dot"
            try dot.write(toFile: file, atomically: true, encoding: .utf8)
            let result = try run(try ExternalTool.require("dot", package: "graphviz"), ["-Tsvg", "-o", "/dev/null", file])
            #expect(result.status == 0, "\(view): dot rejects the export: \(result.output.prefix(2000))")
            #expect(!result.output.contains("Error"), "\(view): \(result.output.prefix(2000))")
        }
    }

    @Test func dotAcceptsAHundredThousandCharacterValue() throws {
        let value = "a\u{0}b\"c\\d\ne\u{1B}f\u{7}g\u{202E}h\u{85}" + String(repeating: "L", count: 100_000) + "\n" + String(repeating: "x\n", count: 5_000)
        let quoted = DOTExporter().quote(value)
        #expect(quoted.hasPrefix(#""a\\u{0}b\"c\\d\ne\\u{1B}f\\u{7}g\\u{202E}h\\u{85}LLL"#))
        #expect(quoted.utf8.count < 16 * 1024)
        #expect(quoted.contains("L…\\nx\\nx"), "the line is cut at 200 characters")
        #expect(quoted.hasSuffix("x…\""), "the string is cut at 2,000 characters")
        let directory = temporaryDirectory("hostile-quote")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/quote.dot"
        try "digraph \(quoted) {\n  graph [label=\(quoted)];\n  \(quoted) [label=\(quoted), tooltip=\(quoted)];\n  \(quoted) -> b [taillabel=\(quoted)];\n}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try run(try ExternalTool.require("dot", package: "graphviz"), ["-Tsvg", "-o", "/dev/null", file])
        #expect(result.status == 0, "dot rejects the string: \(result.output.prefix(2000))")
    }

    /// The 100,000-character description lays out (wrapping is linear, and the scene cuts it at
    /// 2,000 characters first); every text of the SVG is escaped and cut as in DOT.
    @Test func svgShowsEveryTextEscapedAndCutShort() throws {
        let shownStart = #"a\u{0}b"c\d\u{1B}e\u{7}f\u{202E}g\u{85}h "quoted" line\word word"#
        for (view, diagram) in try diagrams() {
            let svg = SVGRenderer().render(diagram)
            guard case .success(let root) = StrictXMLParser.parse(svg) else {
                Issue.record("\(view): XMLParser rejects the SVG")
                continue
            }
            for scalar in svg.unicodeScalars where scalar != "\n" {
                #expect(!VisibleText.needsEscape(scalar), "\(view): raw U+\(String(scalar.value, radix: 16)) in the SVG")
            }
            // The description: one line, escaped, cut at 2,000 characters, wrapped under the title.
            let subtitles = diagram.texts.filter { $0.role == .subtitle }.map(\.text)
            let description = ShownText.paragraph(try #require(architecture().description))
            #expect(description.hasPrefix(shownStart) && description.hasSuffix("…"), "\(description.prefix(120))")
            #expect(description.unicodeScalars.count == ShownText.maxLength)
            #expect(subtitles.count > 2 && subtitles.joined(separator: " ").hasPrefix(description + " "), "\(view): \(subtitles.count) subtitle lines")
            // The `<desc>` keeps its tail cut too, and the CDN path is cut in the labels that show it.
            let desc = try #require(root.children.first { $0.name == "desc" }?.text)
            #expect(desc.unicodeScalars.count == ShownText.maxLength && desc.hasSuffix("…"), "\(view): desc of \(desc.unicodeScalars.count)")
            for text in root.descendants where text.name == "text" {
                #expect(text.text.unicodeScalars.count <= ShownText.maxLength, "\(view): text of \(text.text.unicodeScalars.count)")
            }
            for label in diagram.nodes.flatMap({ [$0.name] + $0.details }) {
                #expect(label.unicodeScalars.count <= ShownText.maxLineLength, "\(view): label \(label.prefix(40))… of \(label.unicodeScalars.count)")
            }
        }
    }

    @Test func mermaidLabelsAreOneShownLineCutShort() throws {
        for (view, diagram) in try diagrams() {
            let mermaid = MermaidExporter().export(diagram)
            for scalar in mermaid.unicodeScalars where scalar != "\n" {
                #expect(scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value) && scalar != "\u{202E}",
                        "\(view): raw U+\(String(scalar.value, radix: 16)) in the Mermaid text")
            }
            let longest = mermaid.split(separator: "\n").map(\.count).max() ?? 0
            #expect(longest < 4_000, "\(view): a line of \(longest) characters")
        }
    }
}
