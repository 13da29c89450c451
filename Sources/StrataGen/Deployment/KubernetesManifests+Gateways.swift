import StrataModel

extension KubernetesManifests {
    /// A gateway's upstreams in a pod: each workload's Service DNS name; for a stateful workload its
    /// headless Service, which resolves to every pod, so the key hash reaches individual pods.
    var addressing: WorkloadAddressing {
        WorkloadAddressing(plan: plan) { w in
            let host = w.stateful ? KubernetesNames.join([w.name, "headless"]) : w.name
            return [UpstreamEndpoint(instance: nil, host: dnsName(host), port: RuntimeContract.containerPort,
                                     hosts: w.stateful ? max(w.replicas, w.scale?.max ?? 0) : 1)]
        }
    }

    /// Where a gateway's Envoy listens in its pod: the listener and the health listener on every
    /// interface, the admin interface inside the pod only; secrets from the gateway's Secret.
    func envoyDeployment(configMap: String) -> EnvoyDeployment {
        EnvoyDeployment(
            purpose: "for Kubernetes",
            listener: SocketAddress("0.0.0.0", GatewayContainer.listenerPort), admin: SocketAddress("127.0.0.1", GatewayContainer.adminPort),
            healthListener: SocketAddress("0.0.0.0", GatewayContainer.healthPort), credentials: .environment,
            upstreamsNote: "upstreams by Service DNS name (STRICT_DNS)",
            runNote: "Mounted from ConfigMap \(configMap) at \(GatewayContainer.configPath).")
    }

    /// ConfigMap with the envoy config, Service, Deployment, disruption budget and a network
    /// policy that admits clients on the listener and probes on the health listener.
    func gatewayObjects(_ g: GatewayWorkload) throws -> [YAMLValue] {
        let name = g.gateway.name
        let selector = self.selector(name: name, kind: .gateway, scope: g.scope)
        let labels = self.labels(name: name, kind: .gateway, scope: g.scope, object: g.name)
        let configName = KubernetesNames.join([g.name, "envoy"])
        let config = try plan.envoyConfig(g, routes: routes, addressing: addressing,
                                          deployment: envoyDeployment(configMap: configName), header: header)
        let secret = KubernetesNames.join([name, "auth"])
        var env: [YAMLValue] = []
        switch g.gateway.auth?.value ?? .none {
        case .jwt:
            env.append(["name": .string(RuntimeContract.GatewayEnvironment.jwks),
                        "valueFrom": ["secretKeyRef": ["name": .string(secret), "key": "jwks.json"]]])
        case .apiKey:
            env.append(["name": .string(RuntimeContract.GatewayEnvironment.apiKey),
                        "valueFrom": ["secretKeyRef": ["name": .string(secret), "key": "api-key"]]])
        case .none: break
        }
        let container: YAMLValue = [
            "name": "envoy",
            "image": .string(DeploymentDefaults.envoyImage),
            "command": ["envoy"],
            "args": ["--config-path", .string(GatewayContainer.configPath), "--concurrency", "2"],
            "ports": [
                ["name": "http", "containerPort": .int(GatewayContainer.listenerPort), "protocol": "TCP"],
                ["name": "health", "containerPort": .int(GatewayContainer.healthPort), "protocol": "TCP"],
            ],
            "env": env.isEmpty ? nil : .list(env),
            "readinessProbe": httpProbe(EnvoyDeployment.readyPath, port: "health", period: 5, failures: 2),
            "livenessProbe": ["tcpSocket": ["port": "http"], "periodSeconds": 10, "failureThreshold": 3],
            "resources": resources(DeploymentDefaults.gatewayResources),
            "securityContext": containerSecurity,
            "volumeMounts": [["name": "config", "mountPath": "/etc/envoy", "readOnly": true], tmpMount],
        ]
        let template: YAMLValue = [
            // A changed config rolls the pods.
            "metadata": ["labels": labels, "annotations": [DeploymentLabels.configHash: .string(KubernetesNames.hash(config))]],
            "spec": podSpec(pinning: g.pinning, selector: selector, deployment: true, containers: [container],
                            volumes: [["name": "config", "configMap": ["name": .string(configName)]], tmpVolume]),
        ]
        return [
            [
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": metadata(configName, labels: labels),
                "data": ["envoy.yaml": .block(config)],
            ],
            service(g.name, labels: labels, selector: selector, ports: [("http", GatewayContainer.listenerPort)]),
            [
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": metadata(g.name, labels: labels, annotations: [(DeploymentLabels.failureDomain, .string(domainNote(g.pinning)))]),
                "spec": ["replicas": .int(g.replicas), "selector": ["matchLabels": .map(selector)], "template": template],
            ],
            disruptionBudget(g.name, labels: labels, selector: selector, minAvailable: KubernetesManifests.minAvailable(replicas: g.replicas)),
            networkPolicy(g.name, labels: labels, selector: selector,
                          rules: [(nil, [GatewayContainer.listenerPort, GatewayContainer.healthPort])],
                          annotations: [(DeploymentLabels.callers, "anyone: the gateway is the entry point")]),
        ]
    }
}
