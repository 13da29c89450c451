import StrataModel

/// `envoy`: one Envoy v3 static configuration per gateway per set, for local runs
/// (`gateway/envoy/<gateway>-<set>.yaml`), plus the development JWKS and token when a gateway
/// uses `auth jwt`. Every gateway gets a configuration, whatever its `engine`, so any
/// architecture can be run locally with Envoy.
struct EnvoyGenerator: Generator {
    var target: BuildTarget { .envoy }

    func generate(_ input: GenerationInput) throws -> [Artifact] {
        let plans = try GatewayPlanner.plans(input.analyses)
        var artifacts = try plans.map { plan in
            Artifact(path: "gateway/envoy/\(plan.stem).yaml", contents: try EnvoyConfigEmitter(plan: plan, header: input.header).text())
        }
        if plans.contains(where: { $0.auth == .jwt }) {
            artifacts.append(Artifact(path: "gateway/envoy/jwks.json", contents: EnvoyConfigEmitter.jwksFile(header: input.header)))
            artifacts.append(Artifact(path: "gateway/envoy/dev-token.jwt", contents: DevCredentials.jwtToken + "\n"))
        }
        return artifacts
    }
}

/// Renders one ``GatewayPlan`` as an Envoy v3 bootstrap (static resources only).
struct EnvoyConfigEmitter {
    let plan: GatewayPlan
    let header: String

    /// `retry_on` for requests that never reached an instance: safe for every method.
    static let connectionRetryOn = "connect-failure,refused-stream,reset-before-request"
    /// `retry_on` for idempotent requests: also resets after sending and 5xx answers.
    static let fullRetryOn = "5xx,reset,connect-failure,refused-stream"
    static let connectTimeout = "0.5s"

    /// The whole file: header comments, then the YAML document.
    func text() throws -> String {
        var lines = [header,
                     "Envoy gateway `\(plan.gateway)` of architecture `\(plan.architecture)`, set `\(plan.set)`, for local runs:",
                     "listener 127.0.0.1:\(plan.port), admin 127.0.0.1:\(plan.adminPort), upstreams on loopback (strata's LocalPorts).",
                     "Run: envoy -c \(plan.stem).yaml --disable-hot-restart   (check only: envoy --mode validate -c \(plan.stem).yaml)"]
        if let description = plan.description { lines.insert("\(plan.architecture): \(description)", at: 1) }
        switch plan.auth {
        case .jwt:
            lines.append("AUTH: JWT verified against the DEVELOPMENT key `\(DevCredentials.jwtKeyID)` (HS256) inlined below;")
            lines.append("send `Authorization: Bearer $(cat dev-token.jwt)`. Replace the key before any real deployment.")
        case .apiKey:
            lines.append("AUTH: requests must carry `\(DevCredentials.apiKeyHeader): \(DevCredentials.apiKey)`, a DEVELOPMENT key;")
            lines.append("replace it before any real deployment.")
        case .none:
            break
        }
        return CommentText.hashComment(lines) + YAMLWriter.document(document)
    }

    var document: YAMLValue {
        .object([
            "node": .object(["id": .string(plan.stem), "cluster": .string(plan.gateway)]),
            "admin": .object(["address": socket(GatewayPlanner.host, plan.adminPort)]),
            "static_resources": .object([
                "listeners": [listener],
                "clusters": .list(plan.upstreams.map(cluster)),
            ]),
        ])
    }

    // MARK: Listener

    var listener: YAMLValue {
        .object([
            "name": .string(plan.gateway),
            "address": socket(GatewayPlanner.host, plan.port),
            "filter_chains": [.object(["filters": [.object([
                "name": "envoy.filters.network.http_connection_manager",
                "typed_config": .object([
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    "stat_prefix": .string(plan.gateway),
                    "codec_type": "AUTO",
                    "access_log": [.object([
                        "name": "envoy.access_loggers.stdout",
                        "typed_config": .object(["@type": "type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog"]),
                    ])],
                    "route_config": .object([
                        "name": .string(plan.stem),
                        "virtual_hosts": [.object([
                            "name": .string(plan.gateway),
                            "domains": ["*"],
                            "routes": .list(plan.routes.flatMap(routes)),
                        ])],
                    ]),
                    "http_filters": .list(httpFilters),
                ]),
            ])]])],
        ])
    }

    /// The Envoy routes of one spec route: one per form of its prefix on the wire, times two when retries
    /// differ by method.
    func routes(_ route: RoutePlan) -> [YAMLValue] {
        Self.wirePrefixes(route.prefix).flatMap { prefix -> [YAMLValue] in
            switch route.retry {
            case .connectionOnly:
                return [envoyRoute(route, prefix: prefix, methods: nil, retryOn: Self.connectionRetryOn, retries: RetryPlan.connectionRetries)]
            case .all(let n):
                return [envoyRoute(route, prefix: prefix, methods: nil, retryOn: Self.fullRetryOn, retries: n)]
            case .byMethod(let methods, let n):
                return [envoyRoute(route, prefix: prefix, methods: methods, retryOn: Self.fullRetryOn, retries: n),
                        envoyRoute(route, prefix: prefix, methods: nil, retryOn: Self.connectionRetryOn, retries: RetryPlan.connectionRetries)]
            }
        }
    }

    /// Characters that browsers percent-encode in paths but other clients (curl) send as they are.
    static let sometimesEncoded: Set<UInt8> = Set("<>`{}".utf8)

    /// The forms in which a spec path prefix arrives in a request line. Envoy matches the path as sent, without
    /// percent-decoding (nginx decodes first), so: `%` and every byte outside printable ASCII are always
    /// percent-encoded (a request can only carry them so), and a prefix with one of `< > ` { }` gets a
    /// second form with those encoded too.
    static func wirePrefixes(_ prefix: String) -> [String] {
        func encode(_ byte: UInt8, also: Set<UInt8>) -> String {
            if byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "%") || also.contains(byte) {
                let hex = String(byte, radix: 16, uppercase: true)
                return "%" + (hex.count == 1 ? "0" + hex : hex)
            }
            return String(UnicodeScalar(byte))
        }
        let plain = prefix.utf8.map { encode($0, also: []) }.joined()
        let encoded = prefix.utf8.map { encode($0, also: sometimesEncoded) }.joined()
        return plain == encoded ? [plain] : [plain, encoded]
    }

    func envoyRoute(_ route: RoutePlan, prefix: String, methods: [HTTPMethod]?, retryOn: String, retries: Int) -> YAMLValue {
        let failover = (plan.upstreams.first { $0.service == route.service }?.tiers.count ?? 1) > 1
        let headers: YAMLValue? = methods.map { methods in
            [.object([
                "name": ":method",
                "string_match": .object(["safe_regex": .object(["regex": .string("^(" + methods.map(\.rawValue).joined(separator: "|") + ")$")])]),
            ])]
        }
        let perTry = route.timeoutMilliseconds.map { YAMLValue.string(Self.duration(milliseconds: $0)) }
        let total = route.timeoutMilliseconds.map { YAMLValue.string(Self.duration(milliseconds: $0 * Double(route.attempts))) }
        return .object([
            "match": .object(["prefix": .string(prefix), "headers": headers]),
            "route": .object([
                "cluster": .string(route.service),
                "timeout": total,
                "hash_policy": route.hashHeader.map { [.object(["header": .object(["header_name": .string($0)])])] },
                "retry_policy": .object([
                    "retry_on": .string(retryOn),
                    "num_retries": .int(retries),
                    "per_try_timeout": perTry,
                    "retry_host_predicate": [.object([
                        "name": "envoy.retry_host_predicates.previous_hosts",
                        "typed_config": .object(["@type": "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate"]),
                    ])],
                    "host_selection_retry_max_attempts": 3,
                    // Every attempt but the last stays in the set; the last goes to the next priority (the
                    // nearest other set), so a request survives the loss of its set before health checks notice.
                    "retry_priority": failover ? .object([
                        "name": "envoy.retry_priorities.previous_priorities",
                        "typed_config": .object([
                            "@type": "type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig",
                            "update_frequency": .int(max(1, retries)),
                        ]),
                    ]) : nil,
                ]),
            ]),
        ])
    }

    // MARK: HTTP filters

    var httpFilters: [YAMLValue] {
        var filters: [YAMLValue] = []
        if let rate = plan.rateLimitPerSecond {
            let bucket = TokenBucket(perSecond: rate)
            let always: YAMLValue = .object(["numerator": 100, "denominator": "HUNDRED"])
            filters.append(.object([
                "name": "envoy.filters.http.local_ratelimit",
                "typed_config": .object([
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                    "stat_prefix": .string("\(plan.gateway)_rate_limit"),
                    "token_bucket": .object([
                        "max_tokens": .int(bucket.tokens),
                        "tokens_per_fill": .int(bucket.tokens),
                        "fill_interval": .string("\(bucket.intervalSeconds)s"),
                    ]),
                    "filter_enabled": .object(["runtime_key": "strata_rate_limit_enabled", "default_value": always]),
                    "filter_enforced": .object(["runtime_key": "strata_rate_limit_enforced", "default_value": always]),
                ]),
            ]))
        }
        switch plan.auth {
        case .jwt:
            filters.append(.object([
                "name": "envoy.filters.http.jwt_authn",
                "typed_config": .object([
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication",
                    "providers": .object([
                        "strata-dev": .object([
                            "issuer": .string(DevCredentials.jwtIssuer),
                            "local_jwks": .object(["inline_string": .string(DevCredentials.jwks())]),
                            "forward": true,
                        ]),
                    ]),
                    "rules": [.object(["match": .object(["prefix": "/"]), "requires": .object(["provider_name": "strata-dev"])])],
                ]),
            ]))
        case .apiKey:
            filters.append(.object([
                "name": "envoy.filters.http.lua",
                "typed_config": .object([
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
                    "default_source_code": .object(["inline_string": .string(Self.apiKeyCheck)]),
                ]),
            ]))
        case .none:
            break
        }
        filters.append(.object([
            "name": "envoy.filters.http.router",
            "typed_config": .object(["@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"]),
        ]))
        return filters
    }

    /// Lua: answers 401 unless `x-api-key` carries the development key.
    static var apiKeyCheck: String {
        """
        -- DEVELOPMENT api key: replace before any real deployment.
        function envoy_on_request(handle)
          if handle:headers():get("\(DevCredentials.apiKeyHeader)") ~= "\(DevCredentials.apiKey)" then
            handle:respond({[":status"] = "401", ["content-type"] = "text/plain"}, "missing or invalid \(DevCredentials.apiKeyHeader)\\n")
          end
        end

        """
    }

    // MARK: Clusters

    func cluster(_ upstream: UpstreamPlan) -> YAMLValue {
        let largestTier = upstream.tiers.map(\.count).max() ?? 1
        let endpoints: [YAMLValue] = upstream.tiers.enumerated().map { priority, tier in
            .object([
                "priority": .int(priority),
                "lb_endpoints": .list(tier.map { endpoint in
                    .object([
                        "endpoint": .object(["address": socket(endpoint.host, endpoint.port)]),
                        "metadata": .object(["filter_metadata": .object(["strata": .object(["instance": .string(endpoint.instance)])])]),
                    ])
                }),
            ])
        }
        // Priority 0 keeps all traffic while any of its instances is healthy: the default overprovisioning
        // factor (140) would spill part of a set's traffic to other sets as soon as one instance failed.
        let policy: YAMLValue? = upstream.tiers.count > 1
            ? .object(["overprovisioning_factor": .int(max(140, 100 * largestTier))]) : nil
        return .object([
            "name": .string(upstream.service),
            "type": "STATIC",
            "connect_timeout": .string(Self.connectTimeout),
            "lb_policy": upstream.hashHeader == nil ? "ROUND_ROBIN" : "RING_HASH",
            "load_assignment": .object([
                "cluster_name": .string(upstream.service),
                "endpoints": .list(endpoints),
                "policy": policy,
            ]),
            // Readiness, not liveness: a draining instance answers 503 there. It also marks its
            // answers `x-envoy-immediate-health-check-fail`, which takes it out at once, and its
            // pooled connections are then closed rather than reused while it shuts down.
            "health_checks": [.object([
                "timeout": "1s",
                "interval": "2s",
                "no_traffic_interval": "2s",
                "unhealthy_threshold": 2,
                "healthy_threshold": 1,
                "http_health_check": .object(["path": .string(RuntimeContract.readyPath)]),
            ])],
            "close_connections_on_host_health_failure": true,
            "outlier_detection": .object([
                "consecutive_5xx": 5,
                "consecutive_gateway_failure": 2,
                "enforcing_consecutive_gateway_failure": 100,
                "interval": "2s",
                "base_ejection_time": "10s",
                "max_ejection_percent": 100,
            ]),
        ])
    }

    // MARK: Values

    func socket(_ host: String, _ port: Int) -> YAMLValue {
        .object(["socket_address": .object(["address": .string(host), "port_value": .int(port)])])
    }

    /// A protobuf JSON duration (`0.9s`, `2s`, `0.00025s`) from milliseconds, exact to the nanosecond.
    static func duration(milliseconds: Double) -> String {
        let nanos = Int((milliseconds * 1_000_000).rounded())
        let seconds = nanos / 1_000_000_000, fraction = nanos % 1_000_000_000
        guard fraction > 0 else { return "\(seconds)s" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(seconds).\(digits)s"
    }

    /// `gateway/envoy/jwks.json`: the development JWKS, saying what it is.
    static func jwksFile(header: String) -> String {
        DevCredentials.jwks(note: "\(header). DEVELOPMENT key for local runs: anyone can sign tokens with it; replace it before any real deployment.",
                            pretty: true) + "\n"
    }
}

/// A token bucket equivalent to a rate: `tokens` every `intervalSeconds` (also the burst), with the
/// shortest whole-second interval that makes the token count exact (`2.5/s` → 5 every 2 s).
struct TokenBucket: Equatable {
    let tokens: Int
    let intervalSeconds: Int

    init(perSecond rate: Double) {
        for seconds in 1...3600 {
            let tokens = rate * Double(seconds)
            if tokens >= 1, abs(tokens - tokens.rounded()) < 1e-6 {
                self.tokens = Int(tokens.rounded())
                self.intervalSeconds = seconds
                return
            }
        }
        tokens = max(1, Int(rate.rounded()))
        intervalSeconds = 1
    }
}
