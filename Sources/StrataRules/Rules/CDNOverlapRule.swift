import StrataDiagnostics
import StrataModel

/// `cdn-overlap`: a CDN path overlaps a gateway route.
enum CDNOverlapRule {
    static let rule = Rule(
        name: "cdn-overlap", severity: .warning,
        title: "a CDN path overlaps a gateway route",
        doc: """
        Fires when a `cdn { path ... }` pattern and a gateway `route` prefix can match the same request path. A `*` \
        in a CDN path is a wildcard, so everything before it is a prefix (`"/static/*"` covers every path starting \
        with `/static/`); a path without `*` matches only itself. A route covers every path starting with its prefix. \
        When both match, the edge cache answers requests meant for a service: dynamic responses are served stale to \
        other users, and authentication and rate limits at the gateway are bypassed. Give static content its own path \
        prefix that no route covers, or narrow the route.
        """,
        run: { context in
            let a = context.architecture
            var findings: [Finding] = []
            for cdn in a.access?.cdn ?? [] {
                for gateway in a.gateways {
                    for route in gateway.routes where overlaps(cdn: cdn.path, route: route.prefix) {
                        findings.append(Finding(
                            "CDN path \"\(cdn.path)\" overlaps route \"\(route.prefix)\" of gateway `\(gateway.name)`",
                            at: cdn.span, label: "served from edge caches",
                            secondary: [Label(route.span, "also routed to service `\(route.service)`")],
                            notes: [example(cdn: cdn.path, route: route.prefix)
                                + " matches both: the edge cache can answer it with a stored copy, bypassing the gateway's auth and rate limit"],
                            help: "serve static content under a prefix no route covers, or narrow the route or the CDN path",
                            subject: .cdn(path: cdn.path)))
                    }
                }
            }
            return RuleOutcome(findings: findings)
        })

    /// The literal prefix of a CDN pattern (text before its first `*`), and whether it is a wildcard pattern.
    private static func pattern(_ path: String) -> (prefix: String, wildcard: Bool) {
        guard let star = path.firstIndex(of: "*") else { return (path, false) }
        return (String(path[..<star]), true)
    }

    /// True when some request path matches both the CDN pattern and the route prefix.
    static func overlaps(cdn: String, route: String) -> Bool {
        let (prefix, wildcard) = pattern(cdn)
        if wildcard { return prefix.hasPrefix(route) || route.hasPrefix(prefix) }
        return prefix.hasPrefix(route)
    }

    /// A path both match: the longer of the two literal prefixes.
    private static func example(cdn: String, route: String) -> String {
        let prefix = pattern(cdn).prefix
        let path = prefix.count >= route.count ? prefix : route
        return "a request for \"\(path)\""
    }
}
