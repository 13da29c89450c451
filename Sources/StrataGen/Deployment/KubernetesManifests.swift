import StrataModel

/// Builds the Kubernetes objects of a ``DeploymentPlan`` as YAML values, one group per deployable
/// unit: the shared pieces (labels, scheduling, security, Services, budgets, policies) here, each
/// kind of unit in its own file (`+Services`, `+Gateways`, `+Registry`, `+Stores`).
struct KubernetesManifests {
    let plan: DeploymentPlan
    /// The routes of every gateway, from the build plan.
    let routes: [String: [RoutePlan]]
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
}
