import StrataModel

/// `envoy`: one Envoy v3 static configuration per gateway per set, for local runs
/// (`gateway/envoy/<gateway>-<set>.yaml`), plus the development JWKS and token when a gateway
/// uses `auth jwt`. Every gateway gets a configuration, whatever its `engine`, so any
/// architecture can be run locally with Envoy. The deployment targets render their gateways with
/// the same ``EnvoyConfigEmitter``.
struct EnvoyGenerator: Generator {
    var target: BuildTarget { .envoy }

    /// Where the configurations go, relative to the output folder.
    static let folder = "gateway/envoy"
    /// The token signed with the development key, for gateways with `auth jwt`.
    static let developmentTokenPath = "\(folder)/dev-token.jwt"

    func generate(_ input: GenerationInput) throws -> [Artifact] {
        let plans = try input.plan.localGateways.get()
        var artifacts = try zip(input.plan.gateways, plans).map { proxy, plan in
            let deployment = EnvoyDeployment.local(port: proxy.port, adminPort: proxy.adminPort, stem: proxy.name)
            return Artifact(path: proxy.envoyConfig, contents: try EnvoyConfigEmitter(plan: plan, deployment: deployment, header: input.header).text())
        }
        if plans.contains(where: { $0.auth == .jwt }) {
            artifacts.append(Artifact(path: "\(Self.folder)/jwks.json", contents: EnvoyConfigEmitter.jwksFile(header: input.header)))
            artifacts.append(Artifact(path: Self.developmentTokenPath, contents: DevCredentials.jwtToken + "\n"))
        }
        return artifacts
    }
}
