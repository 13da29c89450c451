import StrataModel

extension EnvoyConfigEmitter {
    /// Rate limit, authentication, then the router.
    var httpFilters: [YAMLValue] {
        var filters: [YAMLValue] = []
        if let rate = plan.rateLimitPerSecond { filters.append(rateLimit(rate)) }
        switch plan.auth {
        case .jwt: filters.append(jwtAuthentication)
        case .apiKey: filters.append(apiKeyCheck)
        case .none: break
        }
        filters.append(Self.router)
        return filters
    }

    static var router: YAMLValue {
        .object([
            "name": "envoy.filters.http.router",
            "typed_config": .object(["@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"]),
        ])
    }

    /// A token bucket per proxy instance (the spec's rate is per gateway instance).
    func rateLimit(_ perSecond: Double) -> YAMLValue {
        let bucket = TokenBucket(perSecond: perSecond)
        let always: YAMLValue = .object(["numerator": 100, "denominator": "HUNDRED"])
        return .object([
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
        ])
    }

    /// Every request needs a JWT signed by a key of the set: the development key inline (issued by
    /// `strata-dev`), or the set in ``RuntimeContract/GatewayEnvironment/jwks`` (any issuer).
    var jwtAuthentication: YAMLValue {
        let provider: YAMLPair
        switch deployment.credentials {
        case .development:
            provider = YAMLPair(key: DevCredentials.jwtIssuer, value: .object([
                "issuer": .string(DevCredentials.jwtIssuer),
                "local_jwks": .object(["inline_string": .string(DevCredentials.jwks())]),
                "forward": true,
            ]))
        case .environment:
            provider = YAMLPair(key: plan.gateway, value: .object([
                "local_jwks": .object(["environment_variable": .string(RuntimeContract.GatewayEnvironment.jwks)]),
                "forward": true,
            ]))
        }
        return .object([
            "name": "envoy.filters.http.jwt_authn",
            "typed_config": .object([
                "@type": "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication",
                "providers": .map([provider]),
                "rules": [.object(["match": .object(["prefix": "/"]), "requires": .object(["provider_name": .string(provider.key)])])],
            ]),
        ])
    }

    /// A Lua filter answering 401 unless `x-api-key` carries the expected key.
    var apiKeyCheck: YAMLValue {
        .object([
            "name": "envoy.filters.http.lua",
            "typed_config": .object([
                "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
                "default_source_code": .object(["inline_string": .block(Self.apiKeyScript(deployment.credentials))]),
            ]),
        ])
    }

    /// The Lua of ``apiKeyCheck``: the development key inline, or the key in
    /// ``RuntimeContract/GatewayEnvironment/apiKey`` (every request refused while it is unset or empty).
    static func apiKeyScript(_ credentials: GatewayCredentials) -> String {
        let header = DevCredentials.apiKeyHeader
        let refuse = #"handle:respond({[":status"] = "401", ["content-type"] = "text/plain"}, "missing or invalid \#(header)\n")"#
        switch credentials {
        case .development:
            return """
                -- DEVELOPMENT api key: replace before any real deployment.
                function envoy_on_request(handle)
                  if handle:headers():get("\(header)") ~= "\(DevCredentials.apiKey)" then
                    \(refuse)
                  end
                end

                """
        case .environment:
            return """
                local expected = os.getenv("\(RuntimeContract.GatewayEnvironment.apiKey)")
                function envoy_on_request(handle)
                  local given = handle:headers():get("\(header)")
                  if expected == nil or expected == "" or given ~= expected then
                    \(refuse)
                  end
                end

                """
        }
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
