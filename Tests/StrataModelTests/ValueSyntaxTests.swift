import StrataModel
import Testing

/// Every value that reaches a generated format is checked by the compiler, with a located E0402,
/// against the strictest format it lands in (issue: hostile keys passed `check` and failed `build`
/// without a location; paths held bidi overrides, `$remote_addr`, `;` and `../`).
@Suite struct ValueSyntaxTests {
    /// Characters a spec string can hold (as spec escapes) that no path, header, cookie or field name may.
    static let hostile: [(escape: String, shown: String)] = [
        (#"\u{202E}"#, "U+202E"), (#"\u{200B}"#, "U+200B"), (#"\u{FEFF}"#, "U+FEFF"), (#"\u{1B}"#, "U+001B"),
        (#"\u{0}"#, "U+0000"), (#"\u{85}"#, "U+0085"), ("$", "`$`"), (";", "`;`"), (#"\""#, "`\"`"), (" ", "a space"),
        ("\\\\", "`\\`"), ("é", "U+00E9"), ("а", "U+0430"),  // the last is Cyrillic, a look-alike of `a`
    ]

    func service(key: String? = nil, path: String = "/x") -> String {
        spec("""
          service s {
            \(key.map { "stateful\n    key \"\($0)\"" } ?? "")
            replicas 2 per set
            endpoint get GET "\(path)" { budget 10ms }
          }
        """)
    }

    @Test(arguments: hostile) func pathsRefuseIt(_ character: (escape: String, shown: String)) {
        let (_, d) = compile(service(path: "/a\(character.escape)b"))
        #expect(d.count == 1)
        #expect(d.first?.hasPrefix("6:") == true)
        #expect(d.first?.contains("E0402 path ") == true)
        #expect(d.first?.hasSuffix("holds \(character.shown); paths hold ASCII letters, digits, `/ - . _ ~` and `{name}` parameters") == true, "\(d)")
    }

    @Test(arguments: hostile) func keysRefuseIt(_ character: (escape: String, shown: String)) {
        let (_, d) = compile(service(key: "x\(character.escape)y"))
        #expect(d.count == 1)
        #expect(d.first?.hasPrefix("5:") == true)
        #expect(d.first?.hasSuffix("is not a header name: it holds \(character.shown); a header name holds a letter, then letters, digits and `-`") == true, "\(d)")
    }

    @Test func dotSegmentsAndEscapesOfTheRouteAreRefused() {
        let (_, d) = compile(spec("""
          gateway g {
            replicas 2 per set
            auth none
            route "/api/../admin" -> s
          }
          service s {
            replicas 2 per set
            endpoint get GET "/api/./x" { budget 10ms }
          }
        """))
        #expect(d == [
            "6:11 E0402 route prefix \"/api/../admin\" has a `..` segment",
            "10:22 E0402 path \"/api/./x\" has a `.` segment",
        ])
    }

    @Test func headerCookieShardAndCDNValues() {
        let (_, d) = compile(spec("""
          sets {
            stripe idc
            route header "x_user" hash
          }
          access { cdn { path "/static/*/x"; ttl 1h } }
          store db {
            replicas 3 per set
            shards 4 key "user id"
          }
        """))
        #expect(d == [
            "5:18 E0402 \"x_user\" is not a header name: it holds `_`; a header name holds a letter, then letters, digits and `-`",
            "7:23 E0402 the CDN path \"/static/*/x\" may hold `*` only at its end",
            "10:18 E0402 the shard key \"user id\" holds a space; a field name holds letters, digits, `_`, `-` and `.`",
        ])
    }

    @Test func aKeyWithoutADashIsAHeaderName() {
        let (compilation, d) = compile(service(key: "abc"))
        #expect(d.isEmpty)
        #expect(compilation.architecture?.services.first?.key?.value == "abc")
    }

    @Test func nothingOfAValueTooLongIsAccepted() {
        let (_, d) = compile(service(key: "x" + String(repeating: "y", count: 100)))
        #expect(d.count == 1)
        #expect(d.first?.hasSuffix("is not a header name: it is longer than 100 bytes") == true, "\(d)")
    }
}
