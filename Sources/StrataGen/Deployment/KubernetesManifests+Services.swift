import StrataModel

extension KubernetesManifests {
    /// Service (plus a headless one when stateful), Deployment or StatefulSet, disruption budget,
    /// autoscaler for `scale`, and the network policy admitting exactly the declared callers.
    func appObjects(_ w: AppWorkload) -> [YAMLValue] {
        let selector = self.selector(name: w.component, kind: .service, scope: w.scope)
        let labels = self.labels(name: w.component, kind: .service, scope: w.scope, object: w.name)
        let headless = KubernetesNames.join([w.name, "headless"])
        let keyNote: [(String, YAMLValue?)] = [
            (DeploymentLabels.partitionKey, w.key.map { .string($0) }),
            (DeploymentLabels.partitionNote, w.key.map {
                .string("requests with the same \($0) header reach the same instance: the gateway hashes the header onto the pods of \(headless)")
            }),
        ]
        var objects: [YAMLValue] = []
        if w.stateful {
            objects.append(service(headless, labels: labels, selector: selector, ports: [("http", RuntimeContract.containerPort)],
                                   headless: true, annotations: keyNote))
        }
        objects.append(service(w.name, labels: labels, selector: selector, ports: [("http", RuntimeContract.containerPort)]))
        let template: YAMLValue = [
            "metadata": ["labels": labels],
            "spec": podSpec(pinning: w.pinning, selector: selector, deployment: !w.stateful,
                            containers: [appContainer(w)], volumes: [tmpVolume]),
        ]
        let annotations: [(String, YAMLValue?)] = [(DeploymentLabels.failureDomain, .string(domainNote(w.pinning)))] + keyNote
        objects.append([
            "apiVersion": "apps/v1",
            "kind": .string(workloadKind(w)),
            "metadata": metadata(w.name, labels: labels, annotations: annotations),
            "spec": [
                "serviceName": w.stateful ? .string(headless) : nil,
                // With an autoscaler the replica count is its business; applying again must not reset it.
                "replicas": w.scale == nil ? .int(w.replicas) : nil,
                "podManagementPolicy": w.stateful ? "Parallel" : nil,
                "selector": ["matchLabels": .map(selector)],
                "template": template,
            ],
        ])
        let floor = w.scale?.min ?? w.replicas
        objects.append(disruptionBudget(w.name, labels: labels, selector: selector,
                                        minAvailable: KubernetesManifests.minAvailable(replicas: floor)))
        if let scale = w.scale { objects.append(autoscaler(w, scale, labels: labels)) }
        let peers = w.callers.map { peer($0, .service) } + w.gateways.map { peer($0, .gateway) }
        let who = (w.callers.map { "service \($0)" } + w.gateways.map { "gateway \($0)" }).joined(separator: ", ")
        objects.append(networkPolicy(
            w.name, labels: labels, selector: selector,
            rules: peers.isEmpty ? [] : [(peers, [RuntimeContract.containerPort])],
            annotations: [(DeploymentLabels.callers, .string(who.isEmpty ? "none" : who))]))
        return objects
    }

    /// `StatefulSet` for a stateful service, `Deployment` otherwise.
    func workloadKind(_ w: AppWorkload) -> String { w.stateful ? "StatefulSet" : "Deployment" }

    /// The service's container: the runtime contract's environment (the pod's name and IP, the
    /// registry's client Service), store credentials from optional Secrets, probes on the
    /// generated endpoints, resources and a hardened security context.
    func appContainer(_ w: AppWorkload) -> YAMLValue {
        typealias Env = RuntimeContract.Environment
        var env: [YAMLValue] = [envValue(Env.architecture, architecture.name)]
        if let service = plan.serviceVariable(w) { env.append(envValue(Env.service, service)) }
        if let set = plan.setName(w.scope) { env.append(envValue(Env.set, set)) }
        env += [
            envField(Env.instance, "metadata.name"),
            envValue(Env.host, "0.0.0.0"),
            envField(Env.advertiseHost, "status.podIP"),
            envValue(Env.port, String(RuntimeContract.containerPort)),
        ]
        if let registry = plan.registry(for: w.scope) {
            env.append(envValue(Env.etcdEndpoints, "http://\(dnsName(registry.name)):\(RuntimeContract.etcdClientPort)"))
        }
        let secrets: [YAMLValue] = w.stores.map { store in
            [
                "prefix": .string(DeploymentPlan.environmentPrefix(store)),
                "secretRef": ["name": .string(KubernetesNames.join([store, "credentials"])), "optional": true],
            ]
        }
        return [
            "name": "app",
            "image": .string(DeploymentDefaults.serviceImage(w, architecture: architecture)),
            "ports": [["name": "http", "containerPort": .int(RuntimeContract.containerPort), "protocol": "TCP"]],
            "env": .list(env),
            "envFrom": secrets.isEmpty ? nil : .list(secrets),
            "startupProbe": httpProbe(RuntimeContract.healthPath, port: "http", period: 2, failures: 30),
            "readinessProbe": httpProbe(RuntimeContract.readyPath, port: "http", period: 5, failures: 2),
            "livenessProbe": httpProbe(RuntimeContract.healthPath, port: "http", period: 10, failures: 3),
            "resources": resources(DeploymentDefaults.serviceResources),
            "securityContext": containerSecurity,
            "volumeMounts": [tmpMount],
        ]
    }

    /// The HorizontalPodAutoscaler of `scale MIN..MAX cpu P%`, with exactly those numbers.
    func autoscaler(_ w: AppWorkload, _ scale: ScaleRange, labels: YAMLValue) -> YAMLValue {
        [
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": metadata(w.name, labels: labels),
            "spec": [
                "scaleTargetRef": ["apiVersion": "apps/v1", "kind": .string(workloadKind(w)), "name": .string(w.name)],
                "minReplicas": .int(scale.min),
                "maxReplicas": .int(scale.max),
                "metrics": [[
                    "type": "Resource",
                    "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": .int(scale.cpuPercent)]],
                ]],
            ],
        ]
    }
}
