import StrataModel

extension KubernetesManifests {
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
}
