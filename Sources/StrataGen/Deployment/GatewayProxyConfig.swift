import StrataModel

/// The Envoy configuration of one gateway proxy as deployed by the `k8s` and `compose` targets.
///
/// The same gateway as the `envoy` target, addressed for a container network: upstreams are host
/// names (Kubernetes Service DNS names, or compose container names) resolved by Envoy
/// (`STRICT_DNS`). One listener serves the routes; a second one answers the orchestrator's
/// readiness probe, so the admin interface can stay private. Per route: timeout, retries (on
/// every failure only when each endpoint behind the route is safe to repeat, else only when the
/// request never reached an instance), and key-affinity (`RING_HASH` on the partition key header)
/// for stateful services. Per upstream: active health checks on the services' readiness path,
/// outlier ejection, and the set's own instances first with the other sets as failover
/// priorities, nearest first. Rate limiting and authentication follow the gateway's spec; secrets
/// come from the environment (``jwksVariable``, ``apiKeyVariable``), so the config holds none.
struct GatewayProxyConfig {
    /// Port of the listener serving routes (the container port of every gateway).
    static let listenerPort = RuntimeContract.gatewayContainerPort
    /// Port of the listener that answers `GET /ready` for readiness probes.
    static let healthPort = 8081
    static let healthPath = "/ready"
    /// Port of Envoy's admin interface.
    static let adminPort = 9901
    /// Environment variable holding the JSON Web Key Set that `auth jwt` checks tokens against.
    static let jwksVariable = "STRATA_GATEWAY_JWKS"
    /// Environment variable holding the key that `auth api-key` expects in ``apiKeyHeader``.
    static let apiKeyVariable = "STRATA_GATEWAY_API_KEY"
    static let apiKeyHeader = "x-api-key"

    /// One upstream address.
    struct Host: Equatable {
        let address: String
        let port: Int
    }

    let plan: DeploymentPlan
    let gateway: GatewayWorkload
    /// The addresses of one workload's instances.
    let hosts: (AppWorkload) -> [Host]
    /// Where the admin interface listens (`127.0.0.1` in a pod; `0.0.0.0` in compose, published on loopback).
    let adminAddress: String

    /// The whole configuration as one YAML document.
    func document() -> YAMLValue {
        [
            "admin": ["address": socketAddress(adminAddress, GatewayProxyConfig.adminPort)],
            "static_resources": [
                "listeners": [routesListener(), healthListener()],
                "clusters": .list(clusters()),
            ],
        ]
    }

    // MARK: - Listeners

    func routesListener() -> YAMLValue {
        let name = gateway.gateway.name
        return [
            "name": "routes",
            "address": socketAddress("0.0.0.0", GatewayProxyConfig.listenerPort),
            "filter_chains": [["filters": [httpConnectionManager(
                statPrefix: name,
                routeConfig: ["name": .string(name), "virtual_hosts": [[
                    "name": .string(name), "domains": ["*"], "routes": .list(routes()),
                ]]],
                filters: httpFilters(),
                accessLog: true)]]],
        ]
    }

    func healthListener() -> YAMLValue {
        let healthCheck: YAMLValue = [
            "name": "envoy.filters.http.health_check",
            "typed_config": [
                "@type": "type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck",
                "pass_through_mode": false,
                "headers": [["name": ":path", "string_match": ["exact": .string(GatewayProxyConfig.healthPath)]]],
            ],
        ]
        return [
            "name": "health",
            "address": socketAddress("0.0.0.0", GatewayProxyConfig.healthPort),
            "filter_chains": [["filters": [httpConnectionManager(
                statPrefix: "health",
                routeConfig: ["name": "health", "virtual_hosts": [[
                    "name": "health", "domains": ["*"],
                    "routes": [["match": ["prefix": "/"], "direct_response": ["status": 404]]],
                ]]],
                filters: [healthCheck],
                accessLog: false)]]],
        ]
    }

    func httpConnectionManager(statPrefix: String, routeConfig: YAMLValue, filters: [YAMLValue], accessLog: Bool) -> YAMLValue {
        [
            "name": "envoy.filters.network.http_connection_manager",
            "typed_config": [
                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "stat_prefix": .string(statPrefix),
                "access_log": accessLog ? [[
                    "name": "envoy.access_loggers.stdout",
                    "typed_config": ["@type": "type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog"],
                ]] : nil,
                "route_config": routeConfig,
                "http_filters": .list(filters + [router]),
            ],
        ]
    }

    var router: YAMLValue {
        ["name": "envoy.filters.http.router",
         "typed_config": ["@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"]]
    }

    // MARK: - Filters

    func httpFilters() -> [YAMLValue] {
        var filters: [YAMLValue] = []
        if let rate = gateway.gateway.rateLimitPerSecond, rate > 0 { filters.append(rateLimit(rate)) }
        switch gateway.gateway.auth?.value ?? .none {
        case .jwt: filters.append(jwt())
        case .apiKey: filters.append(apiKey())
        case .none: break
        }
        return filters
    }

    /// A token bucket per proxy instance (the spec's rate is per gateway instance).
    func rateLimit(_ perSecond: Double) -> YAMLValue {
        let bucket = GatewayProxyConfig.tokenBucket(perSecond)
        let always: YAMLValue = ["numerator": 100, "denominator": "HUNDRED"]
        return [
            "name": "envoy.filters.http.local_ratelimit",
            "typed_config": [
                "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                "stat_prefix": "rate_limit",
                "token_bucket": ["max_tokens": .int(bucket.tokens), "tokens_per_fill": .int(bucket.tokens),
                                 "fill_interval": .string("\(bucket.seconds)s")],
                "filter_enabled": ["runtime_key": "rate_limit_enabled", "default_value": always],
                "filter_enforced": ["runtime_key": "rate_limit_enforced", "default_value": always],
            ],
        ]
    }

    /// Whole tokens per refill interval for a rate: per second when whole, else per minute or hour.
    static func tokenBucket(_ perSecond: Double) -> (tokens: Int, seconds: Int) {
        for seconds in [1, 60, 3600] {
            let tokens = perSecond * Double(seconds)
            if tokens >= 1, tokens == tokens.rounded() { return (Int(tokens), seconds) }
        }
        return (max(1, Int((perSecond * 3600).rounded())), 3600)
    }

    /// Every request needs a JWT signed by a key of the set in ``jwksVariable``.
    func jwt() -> YAMLValue {
        let provider = gateway.gateway.name
        return [
            "name": "envoy.filters.http.jwt_authn",
            "typed_config": [
                "@type": "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication",
                "providers": .map([YAMLPair(key: provider, value: [
                    "local_jwks": ["environment_variable": .string(GatewayProxyConfig.jwksVariable)],
                    "forward": true,
                ])]),
                "rules": [["match": ["prefix": "/"], "requires": ["provider_name": .string(provider)]]],
            ],
        ]
    }

    /// Every request needs ``apiKeyHeader`` equal to ``apiKeyVariable``; without a configured key, every request is refused.
    func apiKey() -> YAMLValue {
        let code = """
            local expected = os.getenv("\(GatewayProxyConfig.apiKeyVariable)")
            function envoy_on_request(handle)
              local given = handle:headers():get("\(GatewayProxyConfig.apiKeyHeader)")
              if expected == nil or expected == "" or given ~= expected then
                handle:respond({[":status"] = "401"}, "missing or wrong \(GatewayProxyConfig.apiKeyHeader)")
              end
            end

            """
        return [
            "name": "envoy.filters.http.lua",
            "typed_config": [
                "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
                "default_source_code": ["inline_string": .block(code)],
            ],
        ]
    }

    // MARK: - Routes and clusters

    /// The gateway's routes, longest prefix first so the most specific one wins.
    var orderedRoutes: [GatewayRoute] {
        gateway.gateway.routes.enumerated().sorted { a, b in
            a.element.prefix.utf8.count != b.element.prefix.utf8.count
                ? a.element.prefix.utf8.count > b.element.prefix.utf8.count : a.offset < b.offset
        }.map(\.element)
    }

    func routes() -> [YAMLValue] {
        orderedRoutes.compactMap { route -> YAMLValue? in
            guard let cluster = clusterName(route.service) else { return nil }
            let key = plan.workloads(serving: route.service).first?.key
            return [
                "match": ["prefix": .string(route.prefix)],
                "route": [
                    "cluster": .string(cluster),
                    "timeout": route.timeoutMilliseconds.map { .string(GatewayProxyConfig.duration(milliseconds: $0)) },
                    "retry_policy": route.retries > 0
                        ? ["retry_on": .string(retryOn(route)), "num_retries": .int(route.retries)] : nil,
                    "hash_policy": key.map { [["header": ["header_name": .string($0.lowercased())]]] },
                ],
            ]
        }
    }

    /// Retry on any failure only when every endpoint behind the route may safely run twice.
    func retryOn(_ route: GatewayRoute) -> String {
        let endpoints = plan.architecture.service(route.service)?.endpoints.filter { $0.path.hasPrefix(route.prefix) } ?? []
        let safe = endpoints.allSatisfy { $0.idempotent || [.GET, .HEAD, .OPTIONS].contains($0.method) }
        return safe ? "5xx,reset,connect-failure,refused-stream" : "connect-failure,refused-stream"
    }

    /// The cluster of a routed service: the workload component that serves it (the monolith's name for a monolith).
    func clusterName(_ service: String) -> String? { plan.workloads(serving: service).first?.component }

    func clusters() -> [YAMLValue] {
        var seen: Set<String> = []
        var result: [YAMLValue] = []
        for route in orderedRoutes {
            guard let name = clusterName(route.service), seen.insert(name).inserted else { continue }
            let priorities = plan.upstreams(of: gateway, service: route.service)
            let stateful = priorities.first?.first?.stateful == true && priorities.first?.first?.key != nil
            let endpoints: [YAMLValue] = priorities.enumerated().map { priority, workloads in
                [
                    "priority": .int(priority),
                    "lb_endpoints": .list(workloads.flatMap(hosts).map { host in
                        ["endpoint": ["address": socketAddress(host.address, host.port)]]
                    }),
                ]
            }
            result.append([
                "name": .string(name),
                "type": "STRICT_DNS",
                "dns_lookup_family": "V4_PREFERRED",
                "connect_timeout": "1s",
                "lb_policy": stateful ? "RING_HASH" : "ROUND_ROBIN",
                "load_assignment": ["cluster_name": .string(name), "endpoints": .list(endpoints)],
                "health_checks": [[
                    "timeout": "1s", "interval": "5s", "unhealthy_threshold": 2, "healthy_threshold": 1,
                    "http_health_check": ["path": .string(RuntimeContract.readyPath)],
                ]],
                // A draining instance marks its answers `x-envoy-immediate-health-check-fail`.
                "close_connections_on_host_health_failure": true,
                "outlier_detection": [
                    "consecutive_5xx": 5, "interval": "5s", "base_ejection_time": "30s", "max_ejection_percent": 50,
                ],
            ])
        }
        return result
    }

    func socketAddress(_ address: String, _ port: Int) -> YAMLValue {
        ["socket_address": ["address": .string(address), "port_value": .int(port)]]
    }

    /// A protobuf JSON duration (`0.9s`, `2s`, `0.0005s`) of a millisecond value, to the microsecond.
    static func duration(milliseconds: Double) -> String {
        let micros = Int((milliseconds * 1000).rounded())
        let whole = micros / 1_000_000, fraction = micros % 1_000_000
        guard fraction > 0 else { return "\(whole)s" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)s"
    }
}
