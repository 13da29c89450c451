import StrataModel

/// Builds the Kubernetes objects of a ``DeploymentPlan`` as YAML values, one group per deployable unit.
struct KubernetesManifests {
    let plan: DeploymentPlan
    /// Header line for files (and the envoy config inside a ConfigMap).
    let header: String

    var architecture: Architecture { plan.architecture }
    var namespace: String { plan.namespace }

    // MARK: - Shared pieces

    /// Labels that select a unit's pods: its name and kind, and its set when it has one.
    func selector(name: String, kind: ComponentKind, scope: DeploymentScope) -> [(String, YAMLValue?)] {
        [
            (DeploymentLabels.name, .string(name)),
            (DeploymentLabels.component, .string(kind.rawValue)),
            (DeploymentLabels.set, scope.setIndex.map { .string(architecture.sets[$0].name) }),
        ]
    }

    /// Every label of a unit's objects and pods.
    func labels(name: String, kind: ComponentKind, scope: DeploymentScope, object: String) -> YAMLValue {
        .map(selector(name: name, kind: kind, scope: scope) + [
            (DeploymentLabels.instance, .string(object)),
            (DeploymentLabels.partOf, .string(architecture.name)),
            (DeploymentLabels.managedBy, "strata"),
        ])
    }

    func metadata(_ name: String, labels: YAMLValue, annotations: [(String, YAMLValue?)] = []) -> YAMLValue {
        let notes = annotations.filter { $0.1 != nil }
        return [
            "name": .string(name),
            "namespace": .string(namespace),
            "labels": labels,
            "annotations": notes.isEmpty ? nil : .map(notes),
        ]
    }

    /// A fully qualified cluster DNS name of a Service of this namespace.
    func dnsName(_ service: String) -> String {
        "\(service).\(namespace).svc.\(DeploymentDefaults.clusterDomain)"
    }

    /// Where a unit runs, for people reading the objects: `idc sh-a`, `idc sh-a, sh-b`, or `anywhere`.
    func domainNote(_ pinning: Pinning) -> String {
        guard let first = pinning.domains.first else { return "anywhere" }
        let topology = architecture.topology
        return "\(topology[first].level) " + pinning.domains.map { topology[$0].name }.joined(separator: ", ")
    }

    /// Required node affinity to the pinned domains, on the topology labels.
    ///
    /// Every level from the region down to the pinned one is matched (a city, which has no
    /// standard label, through the zones of its IDCs), so a node qualifies only inside the domains.
    func nodeAffinity(_ pinning: Pinning) -> YAMLValue? {
        guard let first = pinning.domains.first else { return nil }
        let topology = architecture.topology
        let level = topology[first].level
        func names(at target: DomainLevel) -> [String] {
            var result: [String] = []
            for domain in pinning.domains {
                let matching = target >= level
                    ? [topology.ancestor(of: domain, at: target)].compactMap { $0 }
                    : topology.domains(at: target, within: domain)
                for d in matching where !result.contains(topology[d].name) { result.append(topology[d].name) }
            }
            return result
        }
        var levels: [DomainLevel] = [.region]
        if level <= .city { levels.append(.idc) }
        if level <= .rack { levels.append(.rack) }
        if level == .machine { levels.append(.machine) }
        let expressions: [YAMLValue] = levels.map { l in
            ["key": .string(DeploymentLabels.topologyKey(l)), "operator": "In", "values": .strings(names(at: l))]
        }
        return ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": [
            "nodeSelectorTerms": [["matchExpressions": .list(expressions)]],
        ]]]
    }

    /// One spread constraint per level below the pinned domains, required only at the plan's one required level.
    func topologySpread(_ pinning: Pinning, selector: [(String, YAMLValue?)], deployment: Bool) -> YAMLValue? {
        guard !pinning.spread.isEmpty else { return nil }
        return .list(pinning.spread.map { level, hard in
            [
                "maxSkew": 1,
                "topologyKey": .string(DeploymentLabels.topologyKey(level)),
                "whenUnsatisfiable": hard ? "DoNotSchedule" : "ScheduleAnyway",
                "labelSelector": ["matchLabels": .map(selector)],
                // A rollout's new pods spread by themselves, not counting the ones being replaced.
                "matchLabelKeys": deployment ? ["pod-template-hash"] : nil,
            ]
        })
    }

    func resources(_ r: DeploymentDefaults.Resources) -> YAMLValue {
        [
            "requests": ["cpu": .string(r.cpuRequest), "memory": .string(r.memoryRequest)],
            "limits": ["cpu": .string(r.cpuLimit), "memory": .string(r.memoryLimit)],
        ]
    }

    /// Non-root, no privilege escalation, no capabilities, read-only root file system.
    var containerSecurity: YAMLValue {
        [
            "allowPrivilegeEscalation": false,
            "privileged": false,
            "readOnlyRootFilesystem": true,
            "runAsNonRoot": true,
            "capabilities": ["drop": ["ALL"]],
        ]
    }

    var podSecurity: YAMLValue {
        [
            "runAsNonRoot": true,
            "runAsUser": .int(DeploymentDefaults.userID),
            "runAsGroup": .int(DeploymentDefaults.userID),
            "fsGroup": .int(DeploymentDefaults.userID),
            "seccompProfile": ["type": "RuntimeDefault"],
        ]
    }

    /// The pod spec around `containers`, with scheduling and security settings.
    func podSpec(pinning: Pinning, selector: [(String, YAMLValue?)], deployment: Bool,
                 containers: [YAMLValue], volumes: [YAMLValue]) -> YAMLValue {
        [
            "automountServiceAccountToken": false,
            "enableServiceLinks": false,
            "securityContext": podSecurity,
            "affinity": nodeAffinity(pinning),
            "topologySpreadConstraints": topologySpread(pinning, selector: selector, deployment: deployment),
            "containers": .list(containers),
            "volumes": .list(volumes),
        ]
    }

    var tmpVolume: YAMLValue { ["name": "tmp", "emptyDir": .emptyMap] }
    var tmpMount: YAMLValue { ["name": "tmp", "mountPath": "/tmp"] }

    func envValue(_ name: String, _ value: String) -> YAMLValue { ["name": .string(name), "value": .string(value)] }
    func envField(_ name: String, _ path: String) -> YAMLValue {
        ["name": .string(name), "valueFrom": ["fieldRef": ["fieldPath": .string(path)]]]
    }

    func httpProbe(_ path: String, port: String, period: Int, failures: Int) -> YAMLValue {
        ["httpGet": ["path": .string(path), "port": .string(port)], "periodSeconds": .int(period), "failureThreshold": .int(failures)]
    }

    func service(_ name: String, labels: YAMLValue, selector: [(String, YAMLValue?)], ports: [(String, Int)],
                 headless: Bool = false, publishNotReady: Bool = false, annotations: [(String, YAMLValue?)] = []) -> YAMLValue {
        [
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": metadata(name, labels: labels, annotations: annotations),
            "spec": [
                "type": "ClusterIP",
                "clusterIP": headless ? "None" : nil,
                "publishNotReadyAddresses": publishNotReady ? true : nil,
                "selector": .map(selector),
                "ports": .list(ports.map { name, port in
                    ["name": .string(name), "protocol": "TCP", "port": .int(port), "targetPort": .string(name)]
                }),
            ],
        ]
    }

    func disruptionBudget(_ name: String, labels: YAMLValue, selector: [(String, YAMLValue?)], minAvailable: Int) -> YAMLValue {
        [
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": metadata(name, labels: labels),
            "spec": ["minAvailable": .int(minAvailable), "selector": ["matchLabels": .map(selector)]],
        ]
    }

    /// The largest `minAvailable` below `replicas` that still lets a node drain: all but one.
    static func minAvailable(replicas: Int) -> Int { max(0, replicas - 1) }

    /// An ingress policy for the pods of `selector`: only `peers` (none: nobody), on `ports`.
    func networkPolicy(_ name: String, labels: YAMLValue, selector: [(String, YAMLValue?)],
                       rules: [(peers: [YAMLValue]?, ports: [Int])], annotations: [(String, YAMLValue?)] = []) -> YAMLValue {
        [
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": metadata(name, labels: labels, annotations: annotations),
            "spec": [
                "podSelector": ["matchLabels": .map(selector)],
                "policyTypes": ["Ingress"],
                "ingress": .list(rules.map { peers, ports in
                    [
                        "from": peers.map { .list($0) },
                        "ports": .list(ports.map { ["protocol": "TCP", "port": .int($0)] }),
                    ]
                }),
            ],
        ]
    }

    /// A peer of a network policy: the pods of one component, of any set.
    func peer(_ name: String, _ kind: ComponentKind) -> YAMLValue {
        ["podSelector": ["matchLabels": [DeploymentLabels.name: .string(name), DeploymentLabels.component: .string(kind.rawValue)]]]
    }

    // MARK: - Namespace

    /// The namespace, and the policy that denies every ingress the per-unit policies don't admit.
    func namespaceObjects() -> [YAMLValue] {
        let labels: YAMLValue = [DeploymentLabels.partOf: .string(architecture.name), DeploymentLabels.managedBy: "strata"]
        return [
            ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace), "labels": labels]],
            [
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": ["name": "default-deny-ingress", "namespace": .string(namespace), "labels": labels],
                "spec": ["podSelector": .emptyMap, "policyTypes": ["Ingress"]],
            ],
        ]
    }

    // MARK: - Services

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

        var env: [YAMLValue] = [envValue(RuntimeContract.Environment.architecture, architecture.name)]
        if let service = plan.serviceVariable(w) { env.append(envValue(RuntimeContract.Environment.service, service)) }
        if let set = plan.setName(w.scope) { env.append(envValue(RuntimeContract.Environment.set, set)) }
        env += [
            envField(RuntimeContract.Environment.instance, "metadata.name"),
            envValue(RuntimeContract.Environment.host, "0.0.0.0"),
            envField(RuntimeContract.Environment.advertiseHost, "status.podIP"),
            envValue(RuntimeContract.Environment.port, String(RuntimeContract.containerPort)),
        ]
        if let registry = plan.registry(for: w.scope) {
            env.append(envValue(RuntimeContract.Environment.etcdEndpoints,
                                "http://\(dnsName(registry.name)):\(RuntimeContract.etcdClientPort)"))
        }
        let secrets: [YAMLValue] = w.stores.map { store in
            [
                "prefix": .string(DeploymentPlan.environmentPrefix(store)),
                "secretRef": ["name": .string(KubernetesNames.join([store, "credentials"])), "optional": true],
            ]
        }
        let container: YAMLValue = [
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
        let template: YAMLValue = [
            "metadata": ["labels": labels],
            "spec": podSpec(pinning: w.pinning, selector: selector, deployment: !w.stateful,
                            containers: [container], volumes: [tmpVolume]),
        ]
        let kind = w.stateful ? "StatefulSet" : "Deployment"
        let annotations: [(String, YAMLValue?)] = [(DeploymentLabels.failureDomain, .string(domainNote(w.pinning)))] + keyNote
        objects.append([
            "apiVersion": "apps/v1",
            "kind": .string(kind),
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
        if let scale = w.scale {
            objects.append([
                "apiVersion": "autoscaling/v2",
                "kind": "HorizontalPodAutoscaler",
                "metadata": metadata(w.name, labels: labels),
                "spec": [
                    "scaleTargetRef": ["apiVersion": "apps/v1", "kind": .string(kind), "name": .string(w.name)],
                    "minReplicas": .int(scale.min),
                    "maxReplicas": .int(scale.max),
                    "metrics": [[
                        "type": "Resource",
                        "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": .int(scale.cpuPercent)]],
                    ]],
                ],
            ])
        }
        let peers = w.callers.map { peer($0, .service) } + w.gateways.map { peer($0, .gateway) }
        let who = (w.callers.map { "service \($0)" } + w.gateways.map { "gateway \($0)" }).joined(separator: ", ")
        objects.append(networkPolicy(
            w.name, labels: labels, selector: selector,
            rules: peers.isEmpty ? [] : [(peers, [RuntimeContract.containerPort])],
            annotations: [(DeploymentLabels.callers, .string(who.isEmpty ? "none" : who))]))
        return objects
    }

    // MARK: - Gateways

    /// The envoy config of a gateway in a pod: upstreams are Service DNS names (the headless
    /// Service of a stateful workload, so the key hash reaches individual pods).
    func proxyConfig(_ g: GatewayWorkload) -> GatewayProxyConfig {
        GatewayProxyConfig(plan: plan, gateway: g, hosts: { w in
            let host = w.stateful ? KubernetesNames.join([w.name, "headless"]) : w.name
            return [GatewayProxyConfig.Host(address: dnsName(host), port: RuntimeContract.containerPort)]
        }, adminAddress: "127.0.0.1")
    }

    /// ConfigMap with the envoy config, Service, Deployment, disruption budget and a network
    /// policy that admits clients on the listener and probes on the health listener.
    func gatewayObjects(_ g: GatewayWorkload) throws -> [YAMLValue] {
        let name = g.gateway.name
        let selector = self.selector(name: name, kind: .gateway, scope: g.scope)
        let labels = self.labels(name: name, kind: .gateway, scope: g.scope, object: g.name)
        let configName = KubernetesNames.join([g.name, "envoy"])
        let config = YAMLWriter.file(header: header, documents: [proxyConfig(g).document()])
        let secret = KubernetesNames.join([name, "auth"])
        var env: [YAMLValue] = []
        switch g.gateway.auth?.value ?? .none {
        case .jwt:
            env.append(["name": .string(GatewayProxyConfig.jwksVariable),
                        "valueFrom": ["secretKeyRef": ["name": .string(secret), "key": "jwks.json"]]])
        case .apiKey:
            env.append(["name": .string(GatewayProxyConfig.apiKeyVariable),
                        "valueFrom": ["secretKeyRef": ["name": .string(secret), "key": "api-key"]]])
        case .none: break
        }
        let container: YAMLValue = [
            "name": "envoy",
            "image": .string(DeploymentDefaults.envoyImage),
            "command": ["envoy"],
            "args": ["--config-path", "/etc/envoy/envoy.yaml", "--concurrency", "2"],
            "ports": [
                ["name": "http", "containerPort": .int(GatewayProxyConfig.listenerPort), "protocol": "TCP"],
                ["name": "health", "containerPort": .int(GatewayProxyConfig.healthPort), "protocol": "TCP"],
            ],
            "env": env.isEmpty ? nil : .list(env),
            "readinessProbe": httpProbe(GatewayProxyConfig.healthPath, port: "health", period: 5, failures: 2),
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
            service(g.name, labels: labels, selector: selector, ports: [("http", GatewayProxyConfig.listenerPort)]),
            [
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": metadata(g.name, labels: labels, annotations: [(DeploymentLabels.failureDomain, .string(domainNote(g.pinning)))]),
                "spec": ["replicas": .int(g.replicas), "selector": ["matchLabels": .map(selector)], "template": template],
            ],
            disruptionBudget(g.name, labels: labels, selector: selector, minAvailable: KubernetesManifests.minAvailable(replicas: g.replicas)),
            networkPolicy(g.name, labels: labels, selector: selector,
                          rules: [(nil, [GatewayProxyConfig.listenerPort, GatewayProxyConfig.healthPort])],
                          annotations: [(DeploymentLabels.callers, "anyone: the gateway is the entry point")]),
        ]
    }

    // MARK: - Registry

    /// The etcd members' peer URLs, for `--initial-cluster`.
    func etcdPeers(_ r: RegistryWorkload) -> String {
        let headless = KubernetesNames.join([r.name, "headless"])
        return (0..<r.replicas).map { "\(r.name)-\($0)=http://\(r.name)-\($0).\(dnsName(headless)):\(RuntimeContract.etcdPeerPort)" }
            .joined(separator: ",")
    }

    /// etcd StatefulSet with the declared members, pinned and spread like the registry's placement;
    /// a headless Service for peer discovery, a client Service, a quorum-keeping disruption budget
    /// and a policy admitting services (clients) and the members themselves.
    func registryObjects(_ r: RegistryWorkload) -> [YAMLValue] {
        let selector = self.selector(name: "etcd", kind: .registry, scope: r.scope)
        let labels = self.labels(name: "etcd", kind: .registry, scope: r.scope, object: r.name)
        let headless = KubernetesNames.join([r.name, "headless"])
        let memberURL = "http://$(POD_NAME).\(dnsName(headless))"
        let args: [String] = [
            "--name=$(POD_NAME)",
            "--data-dir=/var/lib/etcd/data",
            "--listen-client-urls=http://0.0.0.0:\(RuntimeContract.etcdClientPort)",
            "--advertise-client-urls=\(memberURL):\(RuntimeContract.etcdClientPort)",
            "--listen-peer-urls=http://0.0.0.0:\(RuntimeContract.etcdPeerPort)",
            "--initial-advertise-peer-urls=\(memberURL):\(RuntimeContract.etcdPeerPort)",
            "--initial-cluster=\(etcdPeers(r))",
            "--initial-cluster-state=new",
            "--initial-cluster-token=\(namespace)-\(r.name)",
        ]
        let container: YAMLValue = [
            "name": "etcd",
            "image": .string(DeploymentDefaults.etcdImage),
            "command": ["/usr/local/bin/etcd"],
            "args": .strings(args),
            "env": [envField("POD_NAME", "metadata.name")],
            "ports": [
                ["name": "client", "containerPort": .int(RuntimeContract.etcdClientPort), "protocol": "TCP"],
                ["name": "peer", "containerPort": .int(RuntimeContract.etcdPeerPort), "protocol": "TCP"],
            ],
            "readinessProbe": httpProbe("/health", port: "client", period: 5, failures: 3),
            // Liveness only checks the process: a member without quorum must not be restarted for it.
            "livenessProbe": ["tcpSocket": ["port": "client"], "periodSeconds": 10, "failureThreshold": 3],
            "resources": resources(DeploymentDefaults.etcdResources),
            "securityContext": containerSecurity,
            "volumeMounts": [["name": "data", "mountPath": "/var/lib/etcd"], tmpMount],
        ]
        let quorum = r.replicas / 2 + 1
        let ports: [(String, Int)] = [("client", RuntimeContract.etcdClientPort), ("peer", RuntimeContract.etcdPeerPort)]
        return [
            // Members find each other before they are ready, so the headless Service publishes them early.
            service(headless, labels: labels, selector: selector, ports: ports, headless: true, publishNotReady: true),
            service(r.name, labels: labels, selector: selector, ports: [("client", RuntimeContract.etcdClientPort)]),
            [
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": metadata(r.name, labels: labels, annotations: [(DeploymentLabels.failureDomain, .string(domainNote(r.pinning)))]),
                "spec": [
                    "serviceName": .string(headless),
                    "replicas": .int(r.replicas),
                    "podManagementPolicy": "Parallel",
                    "selector": ["matchLabels": .map(selector)],
                    "template": [
                        "metadata": ["labels": labels],
                        "spec": podSpec(pinning: r.pinning, selector: selector, deployment: false,
                                        containers: [container], volumes: [tmpVolume]),
                    ],
                    "volumeClaimTemplates": [[
                        "metadata": ["name": "data"],
                        "spec": ["accessModes": ["ReadWriteOnce"],
                                 "resources": ["requests": ["storage": .string(DeploymentDefaults.etcdStorage)]]],
                    ]],
                ],
            ],
            disruptionBudget(r.name, labels: labels, selector: selector,
                             minAvailable: min(quorum, KubernetesManifests.minAvailable(replicas: r.replicas))),
            networkPolicy(r.name, labels: labels, selector: selector, rules: [
                ([["podSelector": ["matchLabels": [DeploymentLabels.component: .string(ComponentKind.service.rawValue)]]]],
                 [RuntimeContract.etcdClientPort]),
                ([["podSelector": ["matchLabels": .map(selector)]]], [RuntimeContract.etcdClientPort, RuntimeContract.etcdPeerPort]),
            ], annotations: [(DeploymentLabels.callers, "every service (registration and discovery), and the members")]),
        ]
    }

    // MARK: - Stores

    /// A store is the user's own database: an `ExternalName` Service for clients to resolve,
    /// pointing at a placeholder host, with the Secret its clients read credentials from.
    func storeObjects(_ s: StorePlaceholder) -> [YAMLValue] {
        let store = s.store
        let secret = KubernetesNames.join([store.name, "credentials"])
        let labels = self.labels(name: store.name, kind: .store, scope: s.scope, object: s.name)
        let replicas: String = {
            switch store.placement.mode {
            case .perSet: return "\(store.placement.count) per set"
            case .across(let level, _): return "\(store.placement.count) across \(level)"
            case .inside(let domain): return "\(store.placement.count) in \(architecture.topology[domain].name)"
            }
        }()
        let note = "placeholder: strata does not run \(store.name) (\(store.engine), \(replicas)); "
            + "point spec.externalName at it and create Secret \(secret), whose keys reach its clients "
            + "as \(DeploymentPlan.environmentPrefix(store.name))<KEY>"
        return [[
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": metadata(s.name, labels: labels, annotations: [
                (DeploymentLabels.placeholder, .string(note)),
                (DeploymentLabels.engine, .string(store.engine)),
                (DeploymentLabels.credentialsSecret, .string(secret)),
            ]),
            "spec": ["type": "ExternalName", "externalName": .string("\(s.name).\(namespace).store.invalid")],
        ]]
    }
}

extension DeploymentPlan {
    /// Prefix of a store's credential variables: `orders-db` → `ORDERS_DB_`.
    static func environmentPrefix(_ store: String) -> String {
        String(store.uppercased().map { $0 == "-" ? "_" : $0 }) + "_"
    }
}
