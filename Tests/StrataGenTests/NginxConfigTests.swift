import Foundation
import StrataModel
import Testing
@testable import StrataGen

/// Structure and escaping of the generated nginx configurations.
@Suite struct NginxConfigTests {
    typealias Support = GatewayTestSupport

    /// The lines of a block that starts with `opening` (e.g. `upstream users {`), without the braces.
    static func block(_ text: String, _ opening: String) throws -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == opening + " {" }, "no block \(opening)")
        let indent = lines[start].prefix { $0 == " " }
        let end = try #require(lines[(start + 1)...].firstIndex { $0 == indent + "}" })
        return lines[(start + 1)..<end].map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func quoting() {
        #expect(NginxArgument.quote(#"a"b\c'd"#) == #""a\"b\\c\'d""#)
        #expect(NginxArgument.quote("x\ny\tz\r") == #""x\ny\tz\r""#)
        #expect(NginxArgument.quote("${x} $(y);{}") == #""${x} $(y);{}""#)
        #expect(NginxArgument.word("127.0.0.1:80").rendered == "127.0.0.1:80")
        #expect(NginxArgument.word("$http_x_user_id").rendered == "$http_x_user_id")
        // A generator-made token that would break the syntax is quoted rather than written as is.
        #expect(NginxArgument.word("a;b").rendered == #""a;b""#)
        #expect(NginxArgument.word("a b").rendered == #""a b""#)
        #expect(NginxArgument.word("{").rendered == #""{""#)
        #expect(NginxArgument.word("").rendered == #""""#)
        #expect(NginxArgument.quoted("/api").rendered == #""/api""#)
    }

    @Test func writerIndentsBlocksAndKeepsCommentsOnOneLine() {
        var w = NginxConfigWriter()
        w.comment("one\ntwo } ; {")
        w.block("http") { http in
            http.block("server") { $0.directive("listen", "1") }
        }
        #expect(w.text == "# one\\ntwo } ; {\nhttp {\n    server {\n        listen 1;\n    }\n}\n")
    }

    @Test func shopUpstreamsPreferTheSetAndFailOverToBackupsOrASecondUpstream() throws {
        let artifacts = try Support.build("specs/shop.strata", targets: [.nginx])
        let text = try Support.text(artifacts, "gateway/nginx/edge-sh-a.conf")
        // Stateless users: set-local servers first, the other sets as backup.
        #expect(try Self.block(text, "upstream users") == [
            "server 127.0.0.1:20009 max_fails=1 fail_timeout=5s;",
            "server 127.0.0.1:20010 max_fails=1 fail_timeout=5s;",
            "server 127.0.0.1:20011 max_fails=1 fail_timeout=5s backup;",
            "server 127.0.0.1:20012 max_fails=1 fail_timeout=5s backup;",
            "server 127.0.0.1:20013 max_fails=1 fail_timeout=5s backup;",
            "server 127.0.0.1:20014 max_fails=1 fail_timeout=5s backup;",
            "keepalive 16;",
        ])
        // Stateful orders hashes on its key; nginx forbids backup with hash, so the other sets are a second upstream.
        let orders = try Self.block(text, "upstream orders")
        #expect(orders.contains("hash $http_x_user_id consistent;"))
        #expect(!orders.contains { $0.contains("backup") })
        #expect(try Self.block(text, "upstream orders_failover").filter { $0.hasPrefix("server") }.count == 6)
        let location = try Self.block(text, #"location ^~ "/api/orders""#)
        #expect(location.contains("error_page 502 503 504 = @failover_0;"))
        #expect(location.contains("proxy_connect_timeout 900ms;"))
        #expect(location.contains("proxy_read_timeout 900ms;"))
        let failover = try Self.block(text, "location @failover_0")
        #expect(failover.contains(#"if ($upstream_connect_time !~ "^[-, :]*$" ) {"#))
        #expect(failover.contains("proxy_pass http://orders_failover;"))
    }

    @Test func shopListensOnTheLocalPortsWithAuthAndRateLimit() throws {
        let text = try Support.text(try Support.build("specs/shop.strata", targets: [.nginx]), "gateway/nginx/edge-hz-a.conf")
        #expect(text.contains("listen 127.0.0.1:18004;"))
        #expect(text.contains("listen 127.0.0.1:18005;"))
        #expect(text.contains("limit_req_zone edge zone=strata_rate_limit:1m rate=2000r/s;"))
        #expect(text.contains("limit_req zone=strata_rate_limit burst=2000 nodelay;"))
        #expect(text.contains("AUTH PLACEHOLDER (auth jwt)"))
        #expect(try Self.block(text, "map $http_authorization $strata_authorized") == ["default 0;", #""~^Bearer\\s+\\S+$" 1;"#])
        #expect(text.contains("pid nginx.pid;"))
        #expect(text.contains("client_body_temp_path client_body_temp;"))
    }

    @Test func retriesOnlyWhereAllowed() throws {
        let artifacts = try Support.build(text: Support.spec(gateway: EnvoyConfigTests.mixedGateway, services: EnvoyConfigTests.mixedServices),
                                          targets: [.nginx])
        let text = try Support.text(artifacts, "gateway/nginx/api-a.conf")
        // /items exposes a non-idempotent POST: retries without `non_idempotent`, so nginx re-sends POST only when unsent.
        let items = try Self.block(text, #"location ^~ "/items""#)
        #expect(items.contains("proxy_next_upstream error timeout http_500 http_502 http_503 http_504;"))
        #expect(items.contains("proxy_next_upstream_tries 3;"))
        #expect(items.contains("proxy_next_upstream_timeout 300ms;"))
        // /jobs: every endpoint idempotent (its POST is marked so): non-idempotent methods may be retried too.
        let jobs = try Self.block(text, #"location ^~ "/jobs""#)
        #expect(jobs.contains("proxy_next_upstream error timeout http_500 http_502 http_503 http_504 non_idempotent;"))
        #expect(jobs.contains("proxy_next_upstream_tries 2;"))
        // api-key auth and a per-minute rate that is a whole per-second rate.
        #expect(try Self.block(text, "map $http_x_api_key $strata_authorized") == ["default 0;", #""strata-dev-api-key" 1;"#])
        #expect(text.contains("rate=20r/s;"))
        let shop = try Support.text(try Support.build("specs/shop.strata", targets: [.nginx]), "gateway/nginx/edge-sh-b.conf")
        let orders = try Self.block(shop, #"location ^~ "/api/orders""#)
        #expect(orders.contains("proxy_next_upstream error;"))
        #expect(orders.contains("proxy_next_upstream_tries 3;"))
    }

    @Test func failoverNoneHasNoBackups() throws {
        let artifacts = try Support.build(text: Support.spec(sets: "stripe idc\n    failover none", gateway: EnvoyConfigTests.mixedGateway,
                                                             services: EnvoyConfigTests.mixedServices), targets: [.nginx])
        let text = try Support.text(artifacts, "gateway/nginx/api-b.conf")
        #expect(!text.contains("backup"))
        #expect(try Self.block(text, "upstream items").filter { $0.hasPrefix("server") }.count == 2)
    }

    @Test func rates() {
        #expect(NginxRate(perSecond: 2000) == NginxRate(rate: "2000r/s", burst: 2000))
        #expect(NginxRate(perSecond: 2.5) == NginxRate(rate: "150r/m", burst: 3))
        #expect(NginxRate(perSecond: 10.0 / 60) == NginxRate(rate: "10r/m", burst: 1))
        #expect(NginxRate(perSecond: 1.0 / 3600) == NginxRate(rate: "1r/m", burst: 1))
        #expect(NginxConfigEmitter.duration(900) == "900ms")
        #expect(NginxConfigEmitter.duration(2000) == "2s")
        #expect(NginxConfigEmitter.duration(0.25) == "1ms")
    }

    @Test func headerVariables() throws {
        #expect(NginxConfigEmitter.headerVariable("X-User-Id") == "$http_x_user_id")
        // A key nginx could not name in a variable never reaches the emitter: the compiler refuses it
        // (E0402) and keeps no key, so no generator needs a check of its own.
        let service = "service s {\n    stateful\n    key \"x.user\"\n    replicas 1 per set\n    endpoint get GET \"/s\" { budget 50ms }\n  }"
        let compilation = Compiler.compile(text: Support.spec(gateway: "gateway g {\n    replicas 1 per set\n    route \"/s\" -> s\n  }", services: service))
        #expect(compilation.diagnostics.contains { $0.id == "E0402" && $0.message.contains("x.user") }, "\(compilation.diagnostics.map(\.message))")
        #expect(try #require(compilation.architecture?.service("s")).key == nil)
    }

    @Test func nastyPathsAndDescriptionsAreEscaped() throws {
        let artifacts = try Support.build(text: EnvoyConfigTests.nastySpec, path: "specs/we\"ird\n# path.strata", targets: [.nginx])
        let text = try Support.text(artifacts, "gateway/nginx/g-a.conf")
        for prefix in EnvoyConfigTests.nastyPrefixes {
            #expect(text.contains("location ^~ " + NginxArgument.quote(prefix) + " {"), "\(prefix)")
        }
        // Comments never end early: the description's line breaks are escaped.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDirective = try #require(lines.firstIndex { !$0.hasPrefix("#") && !$0.isEmpty })
        #expect(lines[firstDirective] == "worker_processes 1;")
        #expect(lines[..<firstDirective].contains { $0.contains("</script><script>alert(1)</script>") && $0.contains(#"\r\n- item"#) })
        #expect(!text.contains("\u{2028}"))
    }
}
