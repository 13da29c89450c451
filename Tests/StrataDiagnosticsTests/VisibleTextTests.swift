import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import StrataDiagnostics
import Testing

/// Every character a spec can smuggle into a message, a label or a file name that would
/// act on a terminal or a log, or show something other than what is there, with the escape
/// every renderer shows instead.
private let dangerous: [(Unicode.Scalar, String)] = [
    ("\u{0}", "\\u{0}"), ("\u{7}", "\\u{7}"), ("\u{8}", "\\u{8}"), ("\u{1B}", "\\u{1B}"), ("\u{7F}", "\\u{7F}"),
    ("\u{80}", "\\u{80}"), ("\u{85}", "\\u{85}"), ("\u{9B}", "\\u{9B}"), ("\u{9F}", "\\u{9F}"),
    ("\u{202A}", "\\u{202A}"), ("\u{202B}", "\\u{202B}"), ("\u{202C}", "\\u{202C}"), ("\u{202D}", "\\u{202D}"), ("\u{202E}", "\\u{202E}"),
    ("\u{2066}", "\\u{2066}"), ("\u{2067}", "\\u{2067}"), ("\u{2068}", "\\u{2068}"), ("\u{2069}", "\\u{2069}"),
    ("\u{061C}", "\\u{61C}"), ("\u{200B}", "\\u{200B}"), ("\u{200C}", "\\u{200C}"), ("\u{200D}", "\\u{200D}"),
    ("\u{200E}", "\\u{200E}"), ("\u{200F}", "\\u{200F}"), ("\u{2060}", "\\u{2060}"), ("\u{FEFF}", "\\u{FEFF}"),
    ("\u{00AD}", "\\u{AD}"), ("\u{2028}", "\\u{2028}"), ("\u{2029}", "\\u{2029}"), ("\u{E0041}", "\\u{E0041}"),
]

/// All of them in one string, each between two letters.
private let smuggled = dangerous.map { "x" + String($0.0) }.joined() + "x"
/// The same string as every renderer shows it.
private let shown = dangerous.map { "x" + $0.1 }.joined() + "x"

/// True when `text` holds none of the dangerous characters raw.
private func isClean(_ text: String) -> Bool {
    !text.unicodeScalars.contains { scalar in dangerous.contains { $0.0 == scalar } }
}

@Suite struct VisibleTextTests {
    @Test func escapesControlsBidiAndInvisibleCharactersAndNothingElse() {
        for (scalar, escape) in dangerous {
            #expect(VisibleText.needsEscape(scalar), "U+\(String(scalar.value, radix: 16))")
            #expect(VisibleText.escaped("a" + String(scalar) + "b") == "a\(escape)b")
        }
        for plain in ["plain ASCII ~!@#$%^&*()_+`{}|:\"<>?", "é 中文 한국어 🙂 👍🏽", "\\u{1B} written out", "tab\tand\nline\rbreaks"] {
            #expect(VisibleText.escaped(plain, keeping: ["\t", "\n", "\r"]) == plain)
        }
        #expect(VisibleText.escaped("a\tb\nc\r\nd") == "a\\u{9}b\\u{A}c\\u{D}\\u{A}d")
        #expect(VisibleText.escaped("a\nb\r\nc\u{85}", keeping: VisibleText.lineBreaks) == "a\nb\r\nc\\u{85}")
    }
}

/// One file whose name and source line hold every dangerous character, and a diagnostic whose
/// message, label, secondary label, note, help and id hold them too.
private func smuggledRun() -> (Fixture, Diagnostic) {
    let fixture = Fixture()
    let file = fixture.file("specs/" + smuggled + ".strata", "service " + smuggled + " {}\n")
    let span = fixture.span(of: "service", in: file)
    let diagnostic = Diagnostic(
        id: "E" + smuggled, severity: .error, message: "message " + smuggled,
        primary: Label(span, "label " + smuggled), secondary: [Label(span, "secondary " + smuggled)],
        notes: ["note " + smuggled], help: "help " + smuggled)
    return (fixture, diagnostic)
}

@Suite struct RenderersShowSmuggledCharactersEscaped {
    @Test func text() {
        let (fixture, diagnostic) = smuggledRun()
        let skip = SkippedCheck(rule: "r", reason: "reason " + smuggled, file: fixture.sources.files[0].path)
        let output = TextRenderer(sources: fixture.sources, color: false, summary: true, skipped: [skip]).render([diagnostic])
        #expect(isClean(output))
        #expect(output.hasPrefix("specs/\(shown).strata:1:1: error[E\(shown)]: message \(shown)\n"))
        #expect(output.contains("1 | service \(shown) {}\n"))
        #expect(output.contains("label \(shown)\n"))
        #expect(output.contains("= note: note \(shown)\n"))
        #expect(output.contains("= help: help \(shown)\n"))
        #expect(output.contains("specs/\(shown).strata: note: rule r skipped: reason \(shown)\n"))
    }

    @Test func github() {
        let (fixture, diagnostic) = smuggledRun()
        let skip = SkippedCheck(rule: "r" + smuggled, reason: "reason " + smuggled, file: fixture.sources.files[0].path)
        let output = GitHubRenderer(sources: fixture.sources, skipped: [skip]).render([diagnostic])
        #expect(isClean(output))
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == """
            ::error file=specs/\(shown).strata,line=1,col=1,endLine=1,endColumn=8,title=E\(shown)::message \(shown)%0A\
            here: label \(shown)%0Asee specs/\(shown).strata:1:1: secondary \(shown)%0Anote: note \(shown)%0Ahelp: help \(shown)
            """)
        #expect(lines[1] == "::notice file=specs/\(shown).strata,title=r\(shown) skipped::rule r\(shown) skipped: reason \(shown)")
    }

    @Test func githubEscapesAsTheToolkitDoes() {
        // @actions/core: data escapes %, CR, LF; properties also : and ,.
        #expect(GitHubRenderer.escapeData("50% a:b,c\r\nd") == "50%25 a:b,c%0D%0Ad")
        #expect(GitHubRenderer.escapeProperty("50% a:b,c\r\nd") == "50%25 a%3Ab%2Cc%0D%0Ad")
        // A forged command after a line break stays inside the message.
        #expect(GitHubRenderer.escapeData("x\n::error::forged") == "x%0A::error::forged")
        // Other controls are made visible in both; their escape has no character the runner reads.
        #expect(GitHubRenderer.escapeData("\u{1B}[2J\u{7}\u{0}\u{7F}\u{85}") == "\\u{1B}[2J\\u{7}\\u{0}\\u{7F}\\u{85}")
        #expect(GitHubRenderer.escapeProperty("a\u{202E}b\u{200B}.strata") == "a\\u{202E}b\\u{200B}.strata")
    }

    @Test func junit() throws {
        let (fixture, diagnostic) = smuggledRun()
        let output = JUnitRenderer(sources: fixture.sources).render([diagnostic])
        #expect(isClean(output))
        let parser = XMLParser(data: Data(output.utf8))
        let reader = AttributeCollector()
        parser.delegate = reader
        #expect(parser.parse())
        #expect(parser.parserError == nil, "\(String(describing: parser.parserError))")
        #expect(reader.attributes["testsuite"]?.first?["name"] == "specs/\(shown).strata")
        #expect(reader.attributes["failure"]?.first?["message"] == "1:1: message \(shown)")
        #expect(reader.text.contains("= note: note \(shown)"))
    }

    @Test func sarifShowsMessagesEscapedAndKeepsLineBreaks() throws {
        let (fixture, diagnostic) = smuggledRun()
        let output = SARIFRenderer(sources: fixture.sources).render([diagnostic])
        #expect(isClean(output))
        let log = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let result = try #require((run["results"] as? [[String: Any]])?.first)
        #expect((result["message"] as? [String: Any])?["text"] as? String == "message \(shown)\nnote: note \(shown)\nhelp: help \(shown)")
        let location = try #require((result["locations"] as? [[String: Any]])?.first)
        #expect((location["message"] as? [String: Any])?["text"] as? String == "label \(shown)")
        // The file name is a percent-encoded URI: every byte outside [A-Za-z0-9-._~/] encoded.
        let uri = try #require(((location["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String)
        #expect(uri.hasPrefix("specs/x%00x%07x%08x%1Bx%7Fx%C2%80x"))
    }

    @Test func jsonKeepsTheExactTextButNeverWritesItRaw() throws {
        let (fixture, diagnostic) = smuggledRun()
        let output = JSONRenderer(sources: fixture.sources).render([diagnostic])
        #expect(isClean(output))
        #expect(output.contains("\"message\": \"message x\\u0000x\\u0007x\\bx\\u001Bx\\u007Fx\\u0080x\\u0085x\\u009Bx\\u009Fx\\u202Ax"))
        #expect(output.contains("x\\u2028x\\u2029x\\uDB40\\uDC41x\""))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let decoded = try #require((document["diagnostics"] as? [[String: Any]])?.first)
        #expect(decoded["message"] as? String == "message " + smuggled)
        #expect(decoded["file"] as? String == "specs/" + smuggled + ".strata")
    }
}

/// Collects the attributes of every element and the character data of a document.
private final class AttributeCollector: NSObject, XMLParserDelegate {
    var attributes: [String: [[String: String]]] = [:]
    var text = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes attributeDict: [String: String] = [:]) {
        attributes[elementName, default: []].append(attributeDict)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}
