import StrataModel

extension KubernetesManifests {
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
