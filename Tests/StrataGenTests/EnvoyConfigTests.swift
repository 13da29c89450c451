import Foundation
import StrataModel
import Testing
import StrataAnalysis
import StrataDriver
import Yams
@testable import StrataGen

/// Structure of the generated Envoy configurations, read back with a YAML parser.
@Suite struct EnvoyConfigTests {
    typealias Support = GatewayTestSupport

    static func config(_ artifacts: [Artifact], _ path: String) throws -> [String: Any] {
        let text = try Support.text(artifacts, path)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "\(path) is not a YAML mapping")
    }

    static func routes(_ config: [String: Any]) throws -> [[String: Any]] {
        let hcm = try httpConnectionManager(config)
        let routeConfig = try #require(hcm["route_config"] as? [String: Any])
        let host = try #require((routeConfig["virtual_hosts"] as? [[String: Any]])?.first)
        return try #require(host["routes"] as? [[String: Any]])
    }

    static func httpConnectionManager(_ config: [String: Any]) throws -> [String: Any] {
        let resources = try #require(config["static_resources"] as? [String: Any])
        let listener = try #require((resources["listeners"] as? [[String: Any]])?.first)
        let chain = try #require((listener["filter_chains"] as? [[String: Any]])?.first)
        let filter = try #require((chain["filters"] as? [[String: Any]])?.first)
        return try #require(filter["typed_config"] as? [String: Any])
    }

    static func filterNames(_ config: [String: Any]) throws -> [String] {
        try #require(try httpConnectionManager(config)["http_filters"] as? [[String: Any]]).compactMap { $0["name"] as? String }
    }

    static func cluster(_ config: [String: Any], _ name: String) throws -> [String: Any] {
        let resources = try #require(config["static_resources"] as? [String: Any])
        return try #require((resources["clusters"] as? [[String: Any]])?.first { $0["name"] as? String == name }, "no cluster \(name)")
    }

    /// Ports per priority of a cluster.
    static func priorities(_ cluster: [String: Any]) throws -> [[Int]] {
        let assignment = try #require(cluster["load_assignment"] as? [String: Any])
        let groups = try #require(assignment["endpoints"] as? [[String: Any]])
        return try groups.enumerated().map { index, group in
            #expect(group["priority"] as? Int == index)
            return try #require(group["lb_endpoints"] as? [[String: Any]]).map { endpoint in
                let address = (endpoint["endpoint"] as? [String: Any])?["address"] as? [String: Any]
                return ((address?["socket_address"] as? [String: Any])?["port_value"] as? Int) ?? -1
            }
        }
    }

    static func retryPolicy(_ route: [String: Any]) -> [String: Any]? {
        (route["route"] as? [String: Any])?["retry_policy"] as? [String: Any]
    }

    // MARK: shop

    @Test func shopListensOnTheLocalPortsAndFailsOverToTheNearestSetsInOrder() throws {
        let artifacts = try Support.build("specs/shop.strata", targets: [.envoy])
        let config = try Self.config(artifacts, "gateway/envoy/edge-sh-a.yaml")
        let admin = try #require((config["admin"] as? [String: Any])?["address"] as? [String: Any])
        #expect((admin["socket_address"] as? [String: Any])?["port_value"] as? Int == 18001)
        // orders: 3 per set, sets sh-a, sh-b, hz-a in port order; from sh-a, sh-b (1ms) is nearer than hz-a (6ms).
        #expect(try Self.priorities(Self.cluster(config, "orders")) == [[20000, 20001, 20002], [20003, 20004, 20005], [20006, 20007, 20008]])
        let fromHangzhou = try Self.config(artifacts, "gateway/envoy/edge-hz-a.yaml")
        #expect(try Self.priorities(Self.cluster(fromHangzhou, "orders")) == [[20006, 20007, 20008], [20000, 20001, 20002], [20003, 20004, 20005]])
        // The stateful service hashes on its key; the stateless one round-robins.
        #expect(try Self.cluster(config, "orders")["lb_policy"] as? String == "RING_HASH")
        #expect(try Self.cluster(config, "users")["lb_policy"] as? String == "ROUND_ROBIN")
        let orders = try #require(try Self.routes(config).first { ($0["match"] as? [String: Any])?["prefix"] as? String == "/api/orders" })
        let hash = try #require((orders["route"] as? [String: Any])?["hash_policy"] as? [[String: Any]])
        #expect((hash.first?["header"] as? [String: Any])?["header_name"] as? String == "x-user-id")
        // Every cluster: active health checks on /ready (a draining instance answers 503 there),
        // connections closed when a host fails them, and outlier ejection.
        for name in ["orders", "users"] {
            let cluster = try Self.cluster(config, name)
            let check = try #require((cluster["health_checks"] as? [[String: Any]])?.first)
            #expect((check["http_health_check"] as? [String: Any])?["path"] as? String == "/ready")
            #expect(cluster["close_connections_on_host_health_failure"] as? Bool == true)
            #expect(cluster["outlier_detection"] is [String: Any])
        }
    }

    @Test func shopRoutesUseTheRouteTimeoutsAndRetries() throws {
        let config = try Self.config(try Support.build("specs/shop.strata", targets: [.envoy]), "gateway/envoy/edge-sh-b.yaml")
        let routes = try Self.routes(config)
        #expect(routes.count == 2)
        let users = try #require(routes.first { ($0["match"] as? [String: Any])?["prefix"] as? String == "/api/users" })
        // `timeout 200ms retries 1` over GET endpoints only: full retries, per attempt 200ms, 400ms overall.
        #expect((users["route"] as? [String: Any])?["timeout"] as? String == "0.4s")
        let retry = try #require(Self.retryPolicy(users))
        #expect(retry["retry_on"] as? String == EnvoyConfigEmitter.fullRetryOn)
        #expect(retry["num_retries"] as? Int == 1)
        #expect(retry["per_try_timeout"] as? String == "0.2s")
        // `/api/orders` declares no retries: only requests that never reached an instance go elsewhere.
        let orders = try #require(routes.first { ($0["match"] as? [String: Any])?["prefix"] as? String == "/api/orders" })
        #expect(Self.retryPolicy(orders)?["retry_on"] as? String == "connect-failure,refused-stream,reset-before-request")
        #expect((orders["route"] as? [String: Any])?["timeout"] as? String == "0.9s")
    }

    @Test func shopChecksJWTsWithTheDevelopmentKeyAndLimitsTheRate() throws {
        let artifacts = try Support.build("specs/shop.strata", targets: [.envoy])
        let config = try Self.config(artifacts, "gateway/envoy/edge-sh-a.yaml")
        #expect(try Self.filterNames(config) == ["envoy.filters.http.local_ratelimit", "envoy.filters.http.jwt_authn", "envoy.filters.http.router"])
        let text = try Support.text(artifacts, "gateway/envoy/edge-sh-a.yaml")
        #expect(text.contains("max_tokens: 2000\n"))
        let filters = try #require(try Self.httpConnectionManager(config)["http_filters"] as? [[String: Any]])
        let jwtFilter = try #require(filters.first { $0["name"] as? String == "envoy.filters.http.jwt_authn" })
        let providers = try #require((jwtFilter["typed_config"] as? [String: Any])?["providers"] as? [String: Any])
        let inlineJWKS = try #require(((providers["strata-dev"] as? [String: Any])?["local_jwks"] as? [String: Any])?["inline_string"] as? String)
        #expect(inlineJWKS.contains(#""kid":"strata-dev""#))
        #expect(text.contains("DEVELOPMENT key"))
        let jwks = try #require(try JSONSerialization.jsonObject(with: Data(try Support.text(artifacts, "gateway/envoy/jwks.json").utf8)) as? [String: Any])
        #expect((jwks["keys"] as? [[String: Any]])?.first?["k"] as? String == DevCredentials.jwtSecretBase64URL)
        #expect(try Support.text(artifacts, "gateway/envoy/dev-token.jwt") == DevCredentials.jwtToken + "\n")
    }

    // MARK: Retry safety

    static let mixedServices = """
        service items {
            replicas 2 per set
            endpoint list GET "/items" { budget 50ms }
            endpoint create POST "/items" { budget 50ms }
            endpoint upsert PUT "/items/{id}" { budget 50ms }
          }
          service jobs {
            replicas 2 per set
            endpoint submit POST "/jobs" { budget 50ms; idempotent }
            endpoint cancel DELETE "/jobs/{id}" { budget 50ms }
          }
          service notes {
            replicas 2 per set
            endpoint add POST "/notes" { budget 50ms; idempotent }
            endpoint append POST "/notes/{id}/lines" { budget 50ms }
            endpoint edit PATCH "/notes/{id}" { budget 50ms; idempotent }
          }
        """

    static let mixedGateway = """
        gateway api {
            replicas 1 per set
            auth api-key
            rate-limit 1200/m
            route "/items" -> items { timeout 100ms retries 2 }
            route "/jobs" -> jobs { timeout 100ms retries 1 }
            route "/notes" -> notes { retries 3 }
          }
        """

    @Test func retriesAreSplitByMethodWhenAPrefixExposesANonIdempotentEndpoint() throws {
        let artifacts = try Support.build(text: Support.spec(gateway: Self.mixedGateway, services: Self.mixedServices), targets: [.envoy])
        let routes = try Self.routes(try Self.config(artifacts, "gateway/envoy/api-a.yaml"))
        func prefix(_ r: [String: Any]) -> String? { (r["match"] as? [String: Any])?["prefix"] as? String }
        func methods(_ r: [String: Any]) -> String? {
            let headers = (r["match"] as? [String: Any])?["headers"] as? [[String: Any]]
            return ((headers?.first?["string_match"] as? [String: Any])?["safe_regex"] as? [String: Any])?["regex"] as? String
        }
        #expect(routes.map(prefix) == ["/items", "/items", "/notes", "/notes", "/jobs"])
        // /items: POST create is not idempotent, so only the idempotent methods get the declared 2 retries.
        #expect(methods(routes[0]) == "^(GET|HEAD|PUT|DELETE|OPTIONS)$")
        #expect(Self.retryPolicy(routes[0])?["retry_on"] as? String == EnvoyConfigEmitter.fullRetryOn)
        #expect(Self.retryPolicy(routes[0])?["num_retries"] as? Int == 2)
        #expect(methods(routes[1]) == nil)
        #expect(Self.retryPolicy(routes[1])?["retry_on"] as? String == EnvoyConfigEmitter.connectionRetryOn)
        // /notes: one POST is idempotent and one is not, so POST is not retried; PATCH (all idempotent) is.
        #expect(methods(routes[2]) == "^(GET|HEAD|PUT|DELETE|PATCH|OPTIONS)$")
        #expect(Self.retryPolicy(routes[3])?["retry_on"] as? String == EnvoyConfigEmitter.connectionRetryOn)
        // /jobs: every endpoint is idempotent (POST marked so), one route with full retries.
        #expect(methods(routes[4]) == nil)
        #expect(Self.retryPolicy(routes[4])?["retry_on"] as? String == EnvoyConfigEmitter.fullRetryOn)
        #expect(Self.retryPolicy(routes[4])?["num_retries"] as? Int == 1)
        // No timeout declared: Envoy's defaults, no per-try timeout.
        #expect((routes[2]["route"] as? [String: Any])?["timeout"] == nil)
        #expect(Self.retryPolicy(routes[2])?["per_try_timeout"] == nil)
    }

    @Test func retryPlanConstants() {
        #expect(RetryPlan.connectionRetries == 2)
        #expect(RetryPlan.idempotentMethods == [.GET, .HEAD, .PUT, .DELETE, .OPTIONS])
        #expect(RetryPlan.plan(retries: 0, exposing: []) == .connectionOnly)
        #expect(RetryPlan.plan(retries: 3, exposing: []) == .all(3))
    }

    @Test func apiKeyGatewaysCheckTheHeaderInLuaAndRateLimitsBecomeTokenBuckets() throws {
        let artifacts = try Support.build(text: Support.spec(gateway: Self.mixedGateway, services: Self.mixedServices), targets: [.envoy])
        let config = try Self.config(artifacts, "gateway/envoy/api-b.yaml")
        #expect(try Self.filterNames(config) == ["envoy.filters.http.local_ratelimit", "envoy.filters.http.lua", "envoy.filters.http.router"])
        let text = try Support.text(artifacts, "gateway/envoy/api-b.yaml")
        #expect(text.contains(DevCredentials.apiKey))
        #expect(text.contains("max_tokens: 20\n"))  // 1200/m = 20/s
        #expect(!artifacts.contains { $0.path.hasSuffix("jwks.json") })
        #expect(Self.bucket(2000) == [2000, 1])
        #expect(Self.bucket(2.5) == [5, 2])
        #expect(Self.bucket(10.0 / 60) == [1, 6])
        #expect(Self.bucket(20000.0 / 3600) == [50, 9])
        #expect(Self.bucket(1.0 / 3600) == [1, 3600])
    }

    static func bucket(_ perSecond: Double) -> [Int] {
        let bucket = TokenBucket(perSecond: perSecond)
        return [bucket.tokens, bucket.intervalSeconds]
    }

    @Test func failoverNoneKeepsEachSetToItself() throws {
        let artifacts = try Support.build(text: Support.spec(sets: "stripe idc\n    failover none", gateway: Self.mixedGateway, services: Self.mixedServices),
                                          targets: [.envoy])
        let config = try Self.config(artifacts, "gateway/envoy/api-a.yaml")
        let items = try Self.cluster(config, "items")
        #expect(try Self.priorities(items).count == 1)
        #expect((items["load_assignment"] as? [String: Any])?["policy"] == nil)
        #expect(!(try Support.text(artifacts, "gateway/envoy/api-a.yaml")).contains("previous_priorities"))
    }

    @Test func sharedServicesHaveEveryInstanceAtPriorityZero() throws {
        let services = """
            service catalog {
                replicas 3 across idc
                endpoint list GET "/catalog" { budget 50ms }
              }
            """
        let gateway = """
            gateway web {
                replicas 1 per set
                auth none
                route "/catalog" -> catalog
              }
            """
        let artifacts = try Support.build(text: Support.spec(gateway: gateway, services: services), targets: [.envoy])
        let config = try Self.config(artifacts, "gateway/envoy/web-b.yaml")
        #expect(try Self.priorities(Self.cluster(config, "catalog")) == [[20000, 20001, 20002]])
        #expect(try Self.filterNames(config) == ["envoy.filters.http.router"])
    }

    // MARK: Escaping

    /// Descriptions and paths with characters that mean something to YAML, shells, templates or HTML.
    static let nastyDescription = #"Nasty "quotes" \backslash\ 'single' ${HOME} $(rm -rf /) `id` </script><script>alert(1)</script> # not a comment"#
        + "\nline two: [a, b] {c: d}\u{2028}after a line separator\r\n- item"
    /// The most unusual prefixes the compiler accepts (it refuses `$`, `;`, quotes, braces, `%`,
    /// non-ASCII and `.`/`..` segments: ValueSyntaxTests); the proxies must route each exactly.
    static let nastyPrefixes = ["/a~b.c_d-e", "/b/_", "/c.d/e~", "/d-", "/~e.f"]

    static var nastySpec: String {
        let routes = nastyPrefixes.enumerated().map { "route \"\($1)\" -> s\($0)" }.joined(separator: "\n    ")
        let services = nastyPrefixes.enumerated().map { index, prefix in
            "service s\(index) {\n    replicas 1 per set\n    endpoint get GET \"\(prefix)/{id}\" { budget 50ms }\n  }"
        }.joined(separator: "\n  ")
        let description = nastyDescription.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\u{D}").replacingOccurrences(of: "\u{2028}", with: "\\u{2028}")
        return Support.spec(description: description, gateway: "gateway g {\n    replicas 1 per set\n    auth jwt\n    rate-limit 10/s\n    \(routes)\n  }",
                            services: services)
    }

    @Test func nastyPathsAndDescriptionsAreEscapedByConstruction() throws {
        let artifacts = try Support.build(text: Self.nastySpec, path: "specs/we\"ird\n# path.strata", targets: [.envoy])
        let text = try Support.text(artifacts, "gateway/envoy/g-a.yaml")
        // The description and spec path stay inside comments: every line before the document is a comment.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let firstKey = try #require(lines.firstIndex { !$0.hasPrefix("#") })
        #expect(lines[firstKey] == "node:")
        #expect(lines[..<firstKey].contains { $0.contains(#"$(rm -rf /) `id` </script>"#) && $0.contains(#"\nline two"#) && $0.contains(#"\u{2028}"#) })
        #expect(!text.contains("\u{2028}") && !text.contains("\r"))
        // Reading the YAML back gives exactly the spec's prefixes, in longest-first order.
        let prefixes = try Self.routes(try Self.config(artifacts, "gateway/envoy/g-a.yaml"))
            .compactMap { ($0["match"] as? [String: Any])?["prefix"] as? String }
        #expect(prefixes.count == Set(prefixes).count)
        #expect(Set(prefixes) == Set(Self.nastyPrefixes.flatMap(EnvoyConfigEmitter.wirePrefixes)))
    }

    @Test func prefixesAreMatchedInTheFormsClientsSend() {
        #expect(EnvoyConfigEmitter.wirePrefixes("/api/orders") == ["/api/orders"])
        #expect(EnvoyConfigEmitter.wirePrefixes("/é/日") == ["/%C3%A9/%E6%97%A5"])
        #expect(EnvoyConfigEmitter.wirePrefixes("/d%0A") == ["/d%250A"])
        #expect(EnvoyConfigEmitter.wirePrefixes("/a{b}<c>`") == ["/a{b}<c>`", "/a%7Bb%7D%3Cc%3E%60"])
        #expect(EnvoyConfigEmitter.wirePrefixes("/$(y);'!*~|^") == ["/$(y);'!*~|^"])
    }

    @Test func routesAreOrderedLongestPrefixFirst() throws {
        let compilation = Compiler.compile(text: Self.nastySpec)
        let architecture = try #require(compilation.architecture)
        let plan = try #require(try BuildPlan.make(ArchitectureAnalyses(architecture)).localGateways.get().first)
        #expect(plan.routes.map(\.prefix.utf8.count) == plan.routes.map(\.prefix.utf8.count).sorted(by: >))
        #expect(Set(plan.routes.map(\.prefix)) == Set(Self.nastyPrefixes))
    }

    /// Every Envoy strata writes (local, compose, Kubernetes) follows Envoy's edge-proxy practices:
    /// the client is the connection's peer and only loopback is internal (no client sets `x-envoy-*`
    /// retries or timeouts), paths are normalized as nginx normalizes them, headers with `_` are
    /// refused, slow headers time out, HTTP/2 clients get bounded streams and windows, and one proxy
    /// holds a bounded number of connections.
    @Test func everyEnvoyFollowsTheEdgeProxyPractices() throws {
        let artifacts = try Support.build("specs/shop.strata", targets: [.envoy, .compose, .k8s])
        var configs: [(String, [String: Any])] = try artifacts
            .filter { ($0.path.hasPrefix("gateway/envoy/") || $0.path.hasPrefix("deploy/compose/envoy/")) && $0.path.hasSuffix(".yaml") }
            .map { ($0.path, try Self.config(artifacts, $0.path)) }
        for artifact in artifacts where artifact.path.hasPrefix("deploy/k8s/") {
            for case let object as [String: Any] in try Yams.load_all(yaml: String(decoding: artifact.contents, as: UTF8.self)) {
                guard object["kind"] as? String == "ConfigMap", let text = (object["data"] as? [String: Any])?["envoy.yaml"] as? String else { continue }
                configs.append((artifact.path, try #require(try Yams.load(yaml: text) as? [String: Any])))
            }
        }
        #expect(configs.count == 9, "\(configs.map(\.0))")  // three sets: local, compose, Kubernetes
        for (path, config) in configs {
            let hcm = try Self.httpConnectionManager(config)
            #expect(hcm["use_remote_address"] as? Bool == true, "\(path)")
            let internalAddresses = try #require(hcm["internal_address_config"] as? [String: Any], "\(path)")
            #expect(internalAddresses["unix_sockets"] as? Bool == false, "\(path)")
            let ranges = (internalAddresses["cidr_ranges"] as? [[String: Any]] ?? []).map { "\($0["address_prefix"] ?? "")/\($0["prefix_len"] ?? "")" }
            #expect(ranges == ["127.0.0.1/32", "::1/128"], "\(path)")
            #expect(hcm["normalize_path"] as? Bool == true && hcm["merge_slashes"] as? Bool == true, "\(path)")
            #expect(hcm["request_headers_timeout"] as? String == "10s", "\(path)")
            #expect((hcm["common_http_protocol_options"] as? [String: Any])?["headers_with_underscores_action"] as? String == "REJECT_REQUEST", "\(path)")
            let http2 = try #require(hcm["http2_protocol_options"] as? [String: Any], "\(path)")
            #expect(http2["max_concurrent_streams"] as? Int == 100, "\(path)")
            #expect(http2["initial_stream_window_size"] as? Int == 65536 && http2["initial_connection_window_size"] as? Int == 1048576, "\(path)")
            let monitors = try #require((config["overload_manager"] as? [String: Any])?["resource_monitors"] as? [[String: Any]], "\(path)")
            #expect(monitors.map { $0["name"] as? String } == ["envoy.resource_monitors.global_downstream_max_connections"], "\(path)")
            #expect((monitors.first?["typed_config"] as? [String: Any])?["max_active_downstream_connections"] as? Int == 50_000, "\(path)")
            // The admin interface never listens beyond loopback (compose and Kubernetes probe the health listener).
            let admin = ((config["admin"] as? [String: Any])?["address"] as? [String: Any])?["socket_address"] as? [String: Any]
            #expect(admin?["address"] as? String == "127.0.0.1", "\(path)")
        }
    }

    @Test func durations() {
        #expect(EnvoyConfigEmitter.duration(milliseconds: 900) == "0.9s")
        #expect(EnvoyConfigEmitter.duration(milliseconds: 2000) == "2s")
        #expect(EnvoyConfigEmitter.duration(milliseconds: 0.25) == "0.00025s")
        #expect(EnvoyConfigEmitter.duration(milliseconds: 1500.5) == "1.5005s")
    }
}
