import Foundation
import Testing
import Yams

@testable import StrataGen

/// The YAML writer is checked by reading what it writes back with Yams' parser (libyaml): every
/// value must come back exactly, whatever characters a spec put in it.
@Suite struct YAMLWriterTests {
    /// Strings a spec can carry into a config, chosen to break a careless writer.
    static let nastyStrings: [String] = [
        "", " ", "plain", "true", "True", "TRUE", "yes", "No", "on", "OFF", "y", "N", "null", "Null", "~",
        "123", "0x1F", "0o17", "1e3", "-1", "+1", ".5", ".inf", "-.Inf", ".NaN", "1_000", "0.5s", "12:30", "2026-11-22",
        "@x", "`x`", "- y", "-", "--- ", "...", "a: b", "a:b", "a #b", "#c", "? q", "[a]", "{a: 1}", "!tag", "&anchor", "*alias",
        "|", ">", "%YAML", "'single'", "\"double\"", "back\\slash", "tab\there", "line\nbreak", "trailing\n", "\n",
        "cr\r\nlf", "nul\u{0}byte", "bell\u{7}", "esc\u{1B}[0m", "del\u{7F}", "c1\u{85}next", "nbsp\u{A0}", "ls\u{2028}ps\u{2029}",
        "bom\u{FEFF}", "für Bestellungen", "注文サービス", "emoji 🚀", "${HOME}", "$(rm -rf /)", "</script><script>alert(1)</script>",
        "  leading", "\tlead tab\nnext", "trailing  ", "<<", "=", "/api/v1/orders", "_private", "type.googleapis.com/envoy.Router",
    ]

    /// The Swift value Yams reads for a writer value.
    static func expected(_ value: YAMLValue) -> Any {
        switch value {
        case .string(let s), .block(let s): s
        case .int(let n): n
        case .bool(let b): b
        case .list(let items): items.map(expected)
        case .mapping(let pairs): Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, expected($0.value)) })
        }
    }

    /// Whether what Yams read equals what was written, recursively.
    static func same(_ read: Any?, _ written: Any) -> Bool {
        switch written {
        case let s as String: return read as? String == s
        case let n as Int: return read as? Int == n
        case let b as Bool: return read as? Bool == b
        case let items as [Any]:
            guard let back = read as? [Any], back.count == items.count else { return false }
            return zip(back, items).allSatisfy { same($0, $1) }
        case let map as [String: Any]:
            guard let back = read as? [String: Any], back.count == map.count else { return false }
            return map.allSatisfy { same(back[$0.key], $0.value) }
        default: return false
        }
    }

    func roundTrips(_ value: YAMLValue, unicode: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = YAMLWriter.document(value, unicode: unicode)
        let back = try Yams.load(yaml: text)
        #expect(Self.same(back, Self.expected(value)), "read back differently:\n\(text)", sourceLocation: sourceLocation)
    }

    @Test(arguments: nastyStrings)
    func everyStringComesBackAsItself(_ s: String) throws {
        // As a value, a key, a list item and a literal block; with and without non-ASCII escaped.
        let value: YAMLValue = .map([
            ("value", .string(s)),
            (s.isEmpty ? "empty" : s, .string("key")),
            ("items", .list([.string(s), .string(s)])),
            ("block", .block(s)),
            ("nested", .list([.map([("a", .string(s)), ("b", .block(s))])])),
        ])
        try roundTrips(value, unicode: true)
        try roundTrips(value, unicode: false)
    }

    @Test func scalarsThatReadAsOtherTypesAreQuoted() throws {
        let text = YAMLWriter.document(.map([("a", "true"), ("b", "123"), ("c", "null"), ("d", "0.5s"), ("e", "@x"), ("f", "- y"),
                                             ("g", "a: b"), ("h", .int(7)), ("i", .bool(false)), ("j", "plain-text_v1.2/x")]))
        #expect(text == """
            a: "true"
            b: "123"
            c: "null"
            d: "0.5s"
            e: "@x"
            f: "- y"
            g: "a: b"
            h: 7
            i: false
            j: plain-text_v1.2/x

            """)
    }

    @Test func layoutFollowsLibyaml() {
        let value: YAMLValue = .map([
            ("kind", "Deployment"),
            ("spec", .map([("ports", .list([.map([("name", "http"), ("port", .int(8080))]), .map([("name", "admin")])]))])),
            ("args", .strings(["a", "b"])),
            ("matrix", .list([.strings(["u", "v"]), .list([])])),
            ("empty", .emptyMap),
            ("config", .block("line one\n  indented\n\nlast\n")),
        ])
        #expect(YAMLWriter.document(value) == """
            kind: Deployment
            spec:
              ports:
              - name: http
                port: 8080
              - name: admin
            args:
            - a
            - b
            matrix:
            - - u
              - v
            - []
            empty: {}
            config: |
              line one
                indented

              last

            """)
    }

    @Test func literalBlocksKeepTheirTrailingLineBreaksExactly() throws {
        for text in ["no break", "one\n", "two\n\n", "mid\n\nend", "x\n\n\n"] {
            try roundTrips(.map([("b", .block(text))]), unicode: true)
        }
        #expect(YAMLWriter.document(.map([("b", .block("a\nb"))])) == "b: |-\n  a\n  b\n")
        #expect(YAMLWriter.document(.map([("b", .block("a\n\n"))])) == "b: |+\n  a\n\n")
    }

    @Test func blocksThatALiteralCannotHoldCleanlyAreDoubleQuoted() {
        for text in [" leading", "\tleading tab\n", "\nleading break", "trailing \nx", "cr\r\n", "", "bell\u{7}\n"] {
            let yaml = YAMLWriter.document(.map([("b", .block(text))]))
            #expect(yaml.hasPrefix("b: \""), "\(yaml)")
        }
    }

    @Test func nonASCIIIsEscapedOnlyWhenAsked() {
        #expect(YAMLWriter.document(.map([("d", "für 🚀")]), unicode: false) == "d: \"f\\u00FCr \\U0001F680\"\n")
        #expect(YAMLWriter.document(.map([("d", "für 🚀")]), unicode: true) == "d: \"für 🚀\"\n")
    }

    @Test func filesStartEachDocumentAndCarryTheHeader() throws {
        let text = YAMLWriter.file(header: "generated\nby strata", documents: [.map([("a", .int(1))]), .emptyMap, .list([.int(2)])])
        #expect(text == "# generated by strata\n---\na: 1\n--- {}\n---\n- 2\n")
        let documents = try Array(Yams.load_all(yaml: text))
        #expect(documents.count == 3)
    }

    @Test func deepAndWideValuesRoundTrip() throws {
        var value: YAMLValue = .string("leaf \"q\" \\ \n")
        for depth in 0..<40 {
            value = depth.isMultiple(of: 2) ? .map([("k\(depth)", value), ("n", .int(depth))]) : .list([value, .bool(true)])
        }
        try roundTrips(value, unicode: false)
        let wide: YAMLValue = .map((0..<2_000).map { ("key-\($0)", .string(Self.nastyStrings[$0 % Self.nastyStrings.count])) })
        try roundTrips(wide, unicode: true)
    }
}
