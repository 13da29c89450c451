import StrataModel

/// `nginx`: one complete nginx.conf per gateway per set, for local runs
/// (`gateway/nginx/<gateway>-<set>.conf`). Every gateway gets one, whatever its `engine`.
///
/// Run it as any user from a scratch folder: `nginx -p DIR -c FILE -e stderr`. The pid file,
/// logs and temporary folders are relative paths, so they land in DIR.
struct NginxGenerator: Generator {
    var target: BuildTarget { .nginx }

    /// Where the configurations go, relative to the output folder.
    static let folder = "gateway/nginx"

    func generate(_ input: GenerationInput) throws -> [Artifact] {
        try zip(input.plan.gateways, input.plan.localGateways.get()).map { proxy, plan in
            Artifact(path: proxy.nginxConfig,
                     contents: try NginxConfigEmitter(plan: plan, port: proxy.port, adminPort: proxy.adminPort, header: input.header).text())
        }
    }
}

/// Renders one ``GatewayPlan`` as an nginx configuration for a local run (listener and status
/// server on loopback).
struct NginxConfigEmitter {
    let plan: GatewayPlan
    /// Listener port.
    let port: Int
    /// Status server port (`/ready`, `/status`).
    let adminPort: Int
    let header: String

    /// Passive health: one failure marks a server down for this long.
    static let failTimeout = "5s"
    static let logFormat = "$remote_addr [$time_local] \"$request\" $status upstream=$upstream_addr "
        + "upstream_status=$upstream_status request_time=$request_time"

    var host: String { LoopbackAddressing.host }

    func text() throws -> String {
        var w = NginxConfigWriter()
        w.comment(header)
        if let description = plan.description { w.comment("\(plan.architecture): \(description)") }
        w.comment(
                  "nginx gateway `\(plan.gateway)` of architecture `\(plan.architecture)`, "
                    + (plan.set.map { "set `\($0)`" } ?? "shared by every set") + ", for local runs:",
                  "listener \(host):\(port), status \(host):\(adminPort) (/ready, /status), upstreams on loopback.",
                  "Run as any user: nginx -p SCRATCH_DIR -c \(plan.stem).conf -e stderr   (check only: add -t)",
                  "pid, logs and temporary files are written under SCRATCH_DIR.",
                  "nginx has no active health checks: a server that fails once is skipped for \(Self.failTimeout) (passive).")
        w.blank()
        w.directive("worker_processes", "1")
        w.directive("daemon", "off")
        w.directive("pid", "nginx.pid")
        w.directive("error_log", "error.log", "notice")
        w.blank()
        w.block("events") { $0.directive("worker_connections", "1024") }
        w.blank()
        try w.block("http") { try httpBlock(&$0) }
        return w.text
    }

    func httpBlock(_ w: inout NginxConfigWriter) throws {
        w.directive("log_format", "strata", .quoted(Self.logFormat))
        w.directive("access_log", "access.log", "strata")
        for (directive, folder) in [("client_body_temp_path", "client_body_temp"), ("proxy_temp_path", "proxy_temp"),
                                    ("fastcgi_temp_path", "fastcgi_temp"), ("uwsgi_temp_path", "uwsgi_temp"),
                                    ("scgi_temp_path", "scgi_temp")] {
            w.directive(.word(directive), .word(folder))
        }
        w.directive("server_tokens", "off")
        if let rate = plan.rateLimitPerSecond {
            let limit = NginxRate(perSecond: rate)
            w.blank()
            w.comment("rate-limit: one bucket for the whole gateway instance (a constant key), \(limit.rate), bursts of \(limit.burst).")
            w.directive("limit_req_zone", .word(plan.gateway), "zone=strata_rate_limit:1m", .word("rate=\(limit.rate)"))
            w.directive("limit_req_status", "429")
        }
        switch plan.auth {
        case .jwt:
            w.blank()
            w.comment("AUTH PLACEHOLDER (auth jwt): nginx open source cannot verify JWTs. This only requires an",
                      "`Authorization: Bearer <token>` header. Verify tokens in the services, or use the Envoy",
                      "configuration (which verifies them), before any real deployment.")
            w.block("map", "$http_authorization", "$strata_authorized") { map in
                map.directive("default", "0")
                map.directive(#"~^Bearer\s+\S+$"#, "1")
            }
        case .apiKey:
            w.blank()
            w.comment("AUTH (auth api-key): requests must carry `\(DevCredentials.apiKeyHeader): \(DevCredentials.apiKey)`,",
                      "a DEVELOPMENT key. Replace it before any real deployment.")
            w.block("map", "$http_x_api_key", "$strata_authorized") { map in
                map.directive("default", "0")
                map.directive(.quoted(DevCredentials.apiKey), "1")
            }
        case .none:
            break
        }
        for upstream in plan.upstreams {
            w.blank()
            try self.upstream(upstream, into: &w)
        }
        w.blank()
        w.block("server") { server in
            self.server(&server)
        }
        w.blank()
        w.block("server") { status in
            status.comment("Status: readiness and connection counters; never proxied, never authenticated.")
            status.directive("listen", .word("\(host):\(adminPort)"))
            status.block("location", "=", "/ready") { $0.directive("return", "200", .quoted("ready\n")) }
            status.block("location", "=", "/status") { $0.directive("stub_status") }
            status.block("location", "/") { $0.directive("return", "404") }
        }
    }

    /// `upstream` blocks of one service: set-local servers first, other sets as `backup`. A stateful
    /// service with a `key` hashes on it, and nginx forbids `backup` with `hash`, so its other sets
    /// go to a second upstream, `<service>_failover`, reached through `error_page`.
    func upstream(_ upstream: UpstreamPlan, into w: inout NginxConfigWriter) throws {
        let hash = upstream.hashHeader.map(Self.headerVariable)
        let tiers = upstream.tiers
        w.block("upstream", .word(upstream.cluster)) { u in
            if let hash {
                u.comment("stateful: requests with the same `\(upstream.hashHeader ?? "")` reach the same instance")
                u.directive("hash", .word(hash), "consistent")
            }
            for endpoint in tiers[0] {
                u.directive("server", .word("\(endpoint.host):\(endpoint.port)"), "max_fails=1", .word("fail_timeout=\(Self.failTimeout)"))
            }
            if hash == nil {
                for endpoint in upstream.failover {
                    u.directive("server", .word("\(endpoint.host):\(endpoint.port)"), "max_fails=1", .word("fail_timeout=\(Self.failTimeout)"), "backup")
                }
            }
            u.directive("keepalive", "16")
        }
        if let hash, !upstream.failover.isEmpty {
            w.blank()
            w.block("upstream", .word(Self.failoverName(upstream.cluster))) { u in
                u.comment("the other sets of `\(upstream.cluster)`, used when none of this set's instances can be reached")
                u.directive("hash", .word(hash), "consistent")
                for endpoint in upstream.failover {
                    u.directive("server", .word("\(endpoint.host):\(endpoint.port)"), "max_fails=1", .word("fail_timeout=\(Self.failTimeout)"))
                }
                u.directive("keepalive", "16")
            }
        }
    }

    func server(_ s: inout NginxConfigWriter) {
        s.directive("listen", .word("\(host):\(port)"))
        if plan.rateLimitPerSecond != nil {
            s.directive("limit_req", "zone=strata_rate_limit", .word("burst=\(NginxRate(perSecond: plan.rateLimitPerSecond!).burst)"), "nodelay")
        }
        if plan.auth != .none {
            s.block("if", "($strata_authorized", "=", "0)") { $0.directive("return", "401") }
        }
        s.directive("proxy_http_version", "1.1")
        s.directive("proxy_set_header", "Connection", .quoted(""))
        s.directive("proxy_set_header", "Host", "$host")
        s.directive("proxy_set_header", "X-Forwarded-For", "$proxy_add_x_forwarded_for")
        s.directive("proxy_set_header", "X-Request-Id", "$request_id")
        for (index, route) in plan.routes.enumerated() {
            let upstream = plan.upstream(for: route)
            let failover = upstream.flatMap { $0.hashHeader != nil && !$0.failover.isEmpty ? "@failover_\(index)" : nil }
            s.blank()
            s.comment("route \(route.prefix) -> \(route.service)" + (route.timeoutMilliseconds.map { ", timeout \(Self.duration($0)) per attempt" } ?? "")
                      + retryNote(route.retry))
            s.block("location", "^~", .quoted(route.prefix)) { l in
                proxy(route, upstream: upstream?.cluster ?? route.service, into: &l)
                if let failover { l.directive("error_page", "502", "503", "504", "=", .word(failover)) }
            }
            if let failover {
                s.block("location", .word(failover)) { l in
                    if case .all = route.retry {} else {
                        l.comment("only when no connection to this set was made: the request was never processed")
                        l.block("if", "($upstream_connect_time", "!~", .quoted("^[-, :]*$") , .word(")")) { $0.directive("return", "502") }
                    }
                    proxy(route, upstream: Self.failoverName(upstream?.cluster ?? route.service), into: &l)
                }
            }
        }
        s.blank()
        s.block("location", "/") { $0.directive("return", "404") }
    }

    func retryNote(_ retry: RetryPlan) -> String {
        switch retry {
        case .connectionOnly: ", no retries (only requests not sent yet go to another instance)"
        case .all(let n): ", \(n) retr\(n == 1 ? "y" : "ies") (every endpoint is idempotent)"
        case .byMethod(_, let n): ", \(n) retr\(n == 1 ? "y" : "ies") for idempotent methods; POST/PATCH only before sending"
        }
    }

    /// Proxying to `upstream` with the route's timeouts and retry policy.
    func proxy(_ route: RoutePlan, upstream: String, into l: inout NginxConfigWriter) {
        l.directive("proxy_pass", .word("http://\(upstream)"))
        if let timeout = route.timeoutMilliseconds {
            let t = NginxArgument.word(Self.duration(timeout))
            l.directive("proxy_connect_timeout", t)
            l.directive("proxy_send_timeout", t)
            l.directive("proxy_read_timeout", t)
            l.directive("proxy_next_upstream_timeout", .word(Self.duration(timeout * Double(route.attempts))))
        }
        switch route.retry {
        case .connectionOnly:
            // nginx never re-sends POST/PATCH once sent; other methods are idempotent by HTTP semantics.
            l.directive("proxy_next_upstream", "error")
            l.directive("proxy_next_upstream_tries", .word(String(RetryPlan.connectionRetries + 1)))
        case .all(let n):
            l.directive("proxy_next_upstream", "error", "timeout", "http_500", "http_502", "http_503", "http_504", "non_idempotent")
            l.directive("proxy_next_upstream_tries", .word(String(n + 1)))
        case .byMethod(_, let n):
            // Without `non_idempotent`, nginx re-sends POST and PATCH only when they were not sent yet.
            l.directive("proxy_next_upstream", "error", "timeout", "http_500", "http_502", "http_503", "http_504")
            l.directive("proxy_next_upstream_tries", .word(String(n + 1)))
        }
    }

    static func failoverName(_ service: String) -> String { "\(service)_failover" }

    /// `$http_<name>` for a header: lowercase, `-` as `_`. Every header name the compiler admits
    /// (letters, digits and `-`, ``ValueSyntax/headerNameProblem(_:)``) can be named so.
    static func headerVariable(_ header: String) -> String {
        "$http_" + header.lowercased().replacingOccurrences(of: "-", with: "_")
    }

    /// An nginx time (`900ms`, `2s`): whole milliseconds, at least 1.
    static func duration(_ milliseconds: Double) -> String {
        let ms = max(1, Int(milliseconds.rounded(.up)))
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }
}

/// A rate in nginx's terms: whole requests per second, or per minute when the per-second rate is not whole.
struct NginxRate: Equatable {
    /// `2000r/s`, `333r/m`.
    let rate: String
    /// Requests allowed at once: about one second's worth, at least 1.
    let burst: Int

    init(rate: String, burst: Int) {
        self.rate = rate
        self.burst = burst
    }

    init(perSecond value: Double) {
        if value >= 1, abs(value - value.rounded()) < 1e-6 {
            rate = "\(Int(value.rounded()))r/s"
        } else {
            rate = "\(max(1, Int((value * 60).rounded())))r/m"
        }
        burst = max(1, Int(value.rounded(.up)))
    }
}
