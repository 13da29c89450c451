import StrataModel

extension EnvoyConfigEmitter {
    /// One cluster per upstream: its hosts by priority (the set's own first, then failover sets),
    /// active health checks, and outlier ejection.
    func cluster(_ upstream: UpstreamPlan) -> YAMLValue {
        let endpoints: [YAMLValue] = upstream.tiers.enumerated().map { priority, tier in
            .object([
                "priority": .int(priority),
                "lb_endpoints": .list(tier.map { endpoint in
                    .object([
                        "endpoint": .object(["address": socket(SocketAddress(endpoint.host, endpoint.port))]),
                        "metadata": endpoint.instance.map { .object(["filter_metadata": .object(["strata": .object(["instance": .string($0)])])]) },
                    ])
                }),
            ])
        }
        // Priority 0 keeps all traffic while any of its hosts is healthy: the default overprovisioning
        // factor (140) would spill part of a set's traffic to other sets as soon as one host failed.
        let policy: YAMLValue? = upstream.tiers.count > 1
            ? .object(["overprovisioning_factor": .int(max(140, 100 * upstream.largestTier))]) : nil
        return .object([
            "name": .string(upstream.cluster),
            "type": plan.resolution == .dns ? "STRICT_DNS" : "STATIC",
            "dns_lookup_family": plan.resolution == .dns ? "V4_PREFERRED" : nil,
            "connect_timeout": .string(Self.connectTimeout),
            "lb_policy": upstream.hashHeader == nil ? "ROUND_ROBIN" : "RING_HASH",
            "load_assignment": .object([
                "cluster_name": .string(upstream.cluster),
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
}
