import StrataDiagnostics
import Testing

@Suite struct TextRendererTests {
    @Test func underlinesTheExactColumnsAfterATabAndMultibyteCharacters() {
        let fixture = Fixture()
        let file = fixture.file("spec.strata", "architecture a {\n\tname \"héllo\n}\n")
        let diagnostic = Diagnostic(Catalogue.unterminatedString, "string is not closed before the end of the line",
                                    at: fixture.span(of: "\"héllo", in: file), label: "string starts here")
        let rendered = TextRenderer(sources: fixture.sources, color: false).render([diagnostic])
        #expect(rendered == """
            spec.strata:2:7: error[E0103]: string is not closed before the end of the line
              |
            2 |     name "héllo
              |          ^^^^^^ string starts here
              |
              = help: close the string with `"`

            """)
    }

    @Test func tabsAfterTextExpandToTheNextStop() {
        let fixture = Fixture()
        let file = fixture.file("t.strata", "ab\tc\td\n")
        let diagnostic = Diagnostic(id: "x", severity: .warning, message: "m", primary: Label(fixture.span(of: "d", in: file)))
        #expect(TextRenderer(sources: fixture.sources, color: false).render([diagnostic]) == """
            t.strata:1:6: warning[x]: m
              |
            1 | ab  c   d
              |         ^

            """)
    }

    @Test func wideCharactersTakeTwoCells() {
        let fixture = Fixture()
        let file = fixture.file("w.strata", "description \"名前\" x\n")
        let diagnostic = Diagnostic(id: "x", severity: .note, message: "m",
                                    primary: Label(fixture.span(of: "名前", in: file), "wide"),
                                    secondary: [Label(fixture.span(of: "x", in: file), "after")])
        #expect(TextRenderer(sources: fixture.sources, color: false).render([diagnostic]) == """
            w.strata:1:14: note[x]: m
              |
            1 | description "名前" x
              |              ^^^^ wide
              |                    - after

            """)
    }

    @Test func secondaryLabelsOnOtherLinesAndFilesNotesAndHelp() {
        let fixture = Fixture()
        let main = fixture.file("main.strata", "service orders {\n  replicas 2\n}\n\n\n\n\n\n\n\nservice orders {\n}\n")
        let other = fixture.file("lib/other.strata", "// other\nservice orders { }\n")
        let diagnostic = Diagnostic(
            id: "E0405", severity: .error, message: "`orders` is declared more than once",
            primary: Label(fixture.span(of: "orders", in: main, occurrence: 2), "declared again here"),
            secondary: [
                Label(fixture.span(of: "orders", in: main), "first declared here"),
                Label(fixture.span(of: "orders", in: other), "and here"),
            ],
            notes: ["services share one namespace", "two lines\nof note"],
            help: "rename one of them")
        #expect(TextRenderer(sources: fixture.sources, color: false).render([diagnostic]) == """
            main.strata:11:9: error[E0405]: `orders` is declared more than once
               |
             1 | service orders {
               |         ------ first declared here
            ...
            11 | service orders {
               |         ^^^^^^ declared again here
               |
              ::: lib/other.strata:2:9
               |
             2 | service orders { }
               |         ------ and here
               |
               = note: services share one namespace
               = note: two lines
                       of note
               = help: rename one of them

            """)
    }

    @Test func multiLineSpanIsUnderlinedToTheEndOfItsFirstLine() {
        let fixture = Fixture()
        let file = fixture.file("m.strata", "gateway edge {\n  engine envoy\n")
        let open = fixture.span(of: "edge {", in: file)
        let span = Span(file: file, start: open.start, end: fixture.sources[file].bytes.count)
        let diagnostic = Diagnostic(id: "E0202", severity: .error, message: "block is not closed", primary: Label(span))
        #expect(TextRenderer(sources: fixture.sources, color: false).render([diagnostic]) == """
            m.strata:1:9: error[E0202]: block is not closed
              |
            1 | gateway edge {
              |         ^^^^^^

            """)
    }

    @Test func emptySpanAtTheEndOfTheFileGetsOneCaret() {
        let fixture = Fixture()
        let file = fixture.file("e.strata", "architecture a {")
        let end = fixture.sources[file].bytes.count
        let diagnostic = Diagnostic(id: "E0202", severity: .error, message: "expected `}`", primary: Label(Span(file: file, start: end, end: end), "here"))
        #expect(TextRenderer(sources: fixture.sources, color: false).render([diagnostic]) == """
            e.strata:1:17: error[E0202]: expected `}`
              |
            1 | architecture a {
              |                 ^ here

            """)
    }

    @Test func controlCharactersAndBidiOverridesAreShownNotInterpreted() {
        let fixture = Fixture()
        let file = fixture.file("c.strata", "a\u{1B}[31m \u{202E}b x\n")
        let diagnostic = Diagnostic(id: "x", severity: .error, message: "bad \u{1B}[2J message", primary: Label(fixture.span(of: "x", in: file)))
        let rendered = TextRenderer(sources: fixture.sources, color: false).render([diagnostic])
        #expect(!rendered.contains("\u{1B}"))
        #expect(!rendered.contains("\u{202E}"))
        #expect(rendered == """
            c.strata:1:11: error[x]: bad \\u{1B}[2J message
              |
            1 | a\\u{1B}[31m \\u{202E}b x
              |                       ^

            """)
    }

    @Test func colourOnlyWhenAsked() {
        let fixture = Fixture()
        let file = fixture.file("k.strata", "x\n")
        let diagnostic = Diagnostic(id: "x", severity: .warning, message: "m", primary: Label(fixture.span(of: "x", in: file)))
        let plain = TextRenderer(sources: fixture.sources, color: false, summary: true).render([diagnostic])
        let coloured = TextRenderer(sources: fixture.sources, color: true, summary: true).render([diagnostic])
        #expect(!plain.contains("\u{1B}["))
        #expect(coloured.contains("\u{1B}[1;33mwarning[x]\u{1B}[0m"))
        let stripped = coloured.replacingEscapes()
        #expect(stripped == plain)
    }

    @Test func suppressedDiagnosticsAreHiddenButCountedInTheSummary() {
        let fixture = Fixture()
        let file = fixture.file("s.strata", "a b c\n")
        let diagnostics = [
            Diagnostic(id: "r", severity: .error, message: "one", primary: Label(fixture.span(of: "a", in: file))),
            Diagnostic(id: "r", severity: .warning, message: "two", primary: Label(fixture.span(of: "b", in: file))),
            Diagnostic(id: "r", severity: .error, message: "three", primary: Label(fixture.span(of: "c", in: file)),
                       suppression: Suppression(reason: "accepted", span: nil)),
        ]
        let rendered = TextRenderer(sources: fixture.sources, color: false, summary: true).render(diagnostics)
        #expect(!rendered.contains("three"))
        #expect(rendered.hasSuffix("\n1 error, 1 warning, 1 suppressed\n"))
        #expect(DiagnosticSummary([]).description == "0 errors, 0 warnings")
    }

    @Test func diagnosticsAreSortedByFileAndPosition() {
        let fixture = Fixture()
        let file = fixture.file("o.strata", "a\nb\n")
        let late = Diagnostic(id: "r", severity: .error, message: "late", primary: Label(fixture.span(of: "b", in: file)))
        let early = Diagnostic(id: "r", severity: .error, message: "early", primary: Label(fixture.span(of: "a", in: file)))
        let rendered = TextRenderer(sources: fixture.sources, color: false).render([late, early])
        #expect(rendered.hasPrefix("o.strata:1:1: error[r]: early\n"))
        #expect(rendered.contains("\no.strata:2:1: error[r]: late\n"))
    }
}

extension String {
    /// The text with ANSI SGR escapes (`ESC [ ... m`) removed.
    func replacingEscapes() -> String {
        var out = ""
        var inEscape = false
        for scalar in unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
