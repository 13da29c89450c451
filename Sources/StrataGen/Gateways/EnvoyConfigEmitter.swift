import StrataModel

/// Renders one ``GatewayPlan`` as an Envoy v3 bootstrap (static resources only): the one code path
/// for every gateway Envoy strata writes. Local runs (`gateway/envoy/`), compose and Kubernetes
/// differ only in their ``EnvoyDeployment`` and in the plan's upstream addresses.
struct EnvoyConfigEmitter {
    let plan: GatewayPlan
    let deployment: EnvoyDeployment
    let header: String

    /// `retry_on` for requests that never reached an instance: safe for every method.
    static let connectionRetryOn = "connect-failure,refused-stream,reset-before-request"
    /// `retry_on` for idempotent requests: also resets after sending and 5xx answers.
    static let fullRetryOn = "5xx,reset,connect-failure,refused-stream"
    static let connectTimeout = "0.5s"
    /// How long a client may take to send a request's headers (Envoy's default: forever).
    static let requestHeadersTimeout = "10s"
    /// Envoy's edge recommendations for HTTP/2 clients (its defaults suit a mesh: 2³¹ − 1 streams, 256 MiB windows).
    static let http2Limits: YAMLValue = [
        "max_concurrent_streams": 100,
        "initial_stream_window_size": 65536,
        "initial_connection_window_size": 1048576,
    ]
    /// Only loopback peers are internal (a local run's clients); every other client is external and
    /// its `x-envoy-*` request headers are removed.
    static let loopbackOnlyInternal: YAMLValue = [
        "unix_sockets": false,
        "cidr_ranges": [["address_prefix": "127.0.0.1", "prefix_len": 32], ["address_prefix": "::1", "prefix_len": 128]],
    ]
    /// Connections one proxy accepts at once, over every listener; beyond it, new ones are refused
    /// rather than exhausting the proxy's memory (Envoy warns at startup when there is no limit).
    static let maxDownstreamConnections = 50_000

    /// The whole file: header comments, then the YAML document.
    func text() throws -> String {
        CommentText.hashComment(headerLines) + YAMLWriter.document(document)
    }

    /// What the file is, where it listens and how it authenticates, as comment lines.
    var headerLines: [String] {
        let scope = plan.set.map { "set `\($0)`" } ?? "shared by every set"
        let health = deployment.healthListener.map { "health \($0) (GET \(EnvoyDeployment.readyPath)), " } ?? ""
        var lines = [header,
                     "Envoy gateway `\(plan.gateway)` of architecture `\(plan.architecture)`, \(scope), \(deployment.purpose):",
                     "listener \(deployment.listener), \(health)admin \(deployment.admin), \(deployment.upstreamsNote)."]
        if let run = deployment.runNote { lines.append(run) }
        if let description = plan.description { lines.insert("\(plan.architecture): \(description)", at: 1) }
        switch (plan.auth, deployment.credentials) {
        case (.jwt, .development):
            lines.append("AUTH: JWT verified against the DEVELOPMENT key `\(DevCredentials.jwtKeyID)` (HS256) inlined below;")
            lines.append("send `Authorization: Bearer $(cat dev-token.jwt)`. Replace the key before any real deployment.")
        case (.apiKey, .development):
            lines.append("AUTH: requests must carry `\(DevCredentials.apiKeyHeader): \(DevCredentials.apiKey)`, a DEVELOPMENT key;")
            lines.append("replace it before any real deployment.")
        case (.jwt, .environment):
            lines.append("AUTH: JWT verified against the JSON Web Key Set in the environment variable \(RuntimeContract.GatewayEnvironment.jwks);")
            lines.append("Envoy does not start without it.")
        case (.apiKey, .environment):
            lines.append("AUTH: requests must carry `\(DevCredentials.apiKeyHeader)` equal to the environment variable "
                + "\(RuntimeContract.GatewayEnvironment.apiKey); without it, every request gets 401.")
        case (.none, _):
            break
        }
        return lines
    }

    var document: YAMLValue {
        .object([
            "node": .object(["id": .string(plan.stem), "cluster": .string(plan.gateway)]),
            "admin": .object(["address": socket(deployment.admin)]),
            "overload_manager": .object(["resource_monitors": [.object([
                "name": "envoy.resource_monitors.global_downstream_max_connections",
                "typed_config": .object([
                    "@type": "type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig",
                    "max_active_downstream_connections": .int(Self.maxDownstreamConnections),
                ]),
            ])]]),
            "static_resources": .object([
                "listeners": .list([listener] + (deployment.healthListener.map { [healthListener($0)] } ?? [])),
                "clusters": .list(plan.upstreams.map(cluster)),
            ]),
        ])
    }

    // MARK: Listeners

    var listener: YAMLValue {
        .object([
            "name": .string(plan.gateway),
            "address": socket(deployment.listener),
            "filter_chains": [.object(["filters": [.object([
                "name": "envoy.filters.network.http_connection_manager",
                "typed_config": .object([
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    "stat_prefix": .string(plan.gateway),
                    "codec_type": "AUTO",
                    // An edge proxy (Envoy's edge best practices): the client is the peer of the
                    // connection, not whatever `x-forwarded-for` claims, and only loopback peers are
                    // internal, so no client can set `x-envoy-*` headers (retries, timeouts) that the
                    // route's plan and the checker's model do not allow.
                    "use_remote_address": true,
                    "internal_address_config": Self.loopbackOnlyInternal,
                    // Route on the path nginx routes on: dot segments resolved, slashes merged.
                    "normalize_path": true,
                    "merge_slashes": true,
                    "request_headers_timeout": .string(Self.requestHeadersTimeout),
                    "common_http_protocol_options": .object(["headers_with_underscores_action": "REJECT_REQUEST"]),
                    "http2_protocol_options": Self.http2Limits,
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

    /// A listener that answers `GET /ready` with 200 while Envoy runs (503 while it drains) and 404
    /// to anything else: an orchestrator's readiness probe, without exposing the admin interface.
    func healthListener(_ address: SocketAddress) -> YAMLValue {
        let healthCheck: YAMLValue = [
            "name": "envoy.filters.http.health_check",
            "typed_config": [
                "@type": "type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck",
                "pass_through_mode": false,
                "headers": [["name": ":path", "string_match": ["exact": .string(EnvoyDeployment.readyPath)]]],
            ],
        ]
        return [
            "name": "health",
            "address": socket(address),
            "filter_chains": [["filters": [[
                "name": "envoy.filters.network.http_connection_manager",
                "typed_config": [
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    "stat_prefix": "health",
                    "route_config": ["name": "health", "virtual_hosts": [[
                        "name": "health", "domains": ["*"],
                        "routes": [["match": ["prefix": "/"], "direct_response": ["status": 404]]],
                    ]]],
                    "http_filters": [healthCheck, Self.router],
                ],
            ]]]],
        ]
    }

    // MARK: Routes

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
        let upstream = plan.upstream(for: route)
        let failover = (upstream?.tiers.count ?? 1) > 1
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
                "cluster": .string(upstream?.cluster ?? route.service),
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

    // MARK: Values

    func socket(_ address: SocketAddress) -> YAMLValue {
        .object(["socket_address": .object(["address": .string(address.host), "port_value": .int(address.port)])])
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
}
