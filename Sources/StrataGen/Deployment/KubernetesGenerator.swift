import StrataModel

/// `k8s` target: a kustomize tree under `deploy/k8s/`.
///
/// `base/` holds what every set shares: the namespace with its default-deny ingress policy, and
/// the components that are not striped (a shared registry, gateways, services and store
/// placeholders). `overlays/<set>/` adds the set's own copy of every striped component on top of
/// the base, so `kubectl apply -k deploy/k8s/overlays/<set>` deploys one set with everything it
/// depends on. Each component's objects are one multi-document file named after it.
struct KubernetesGenerator: Generator {
    let target = BuildTarget.k8s

    static let root = "deploy/k8s"

    /// One generated file of the tree.
    struct File {
        let path: String
        let documents: [YAMLValue]
    }

    func generate(_ input: GenerationInput) throws -> [Artifact] {
        let files = try KubernetesGenerator.files(input.plan.deployment, routes: try input.plan.gatewayRoutes.get(), header: input.header)
        try KubernetesGenerator.checkUniqueNames(files)
        var artifacts: [Artifact] = []
        for file in files {
            artifacts.append(Artifact(path: file.path, contents: YAMLWriter.file(header: input.header, documents: file.documents)))
        }
        return artifacts
    }

    /// Every file of the tree, kustomizations included, in a stable order.
    static func files(_ plan: DeploymentPlan, routes: [String: [RoutePlan]], header: String) throws -> [File] {
        let manifests = KubernetesManifests(plan: plan, routes: routes, header: header)
        let architecture = plan.architecture

        /// The component files of one scope: registry first, then stores, services and gateways.
        func components(_ scope: DeploymentScope) throws -> [(name: String, documents: [YAMLValue])] {
            var result: [(String, [YAMLValue])] = []
            for r in plan.registries where r.scope == scope { result.append(("registry-etcd.yaml", manifests.registryObjects(r))) }
            for s in plan.stores where s.scope == scope { result.append(("store-\(s.store.name).yaml", manifests.storeObjects(s))) }
            for w in plan.workloads where w.scope == scope { result.append(("service-\(w.component).yaml", manifests.appObjects(w))) }
            for g in plan.gateways where g.scope == scope { result.append(("gateway-\(g.gateway.name).yaml", try manifests.gatewayObjects(g))) }
            return result
        }

        func kustomization(_ resources: [String]) -> YAMLValue {
            [
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "namespace": .string(plan.namespace),
                "resources": .strings(resources),
            ]
        }

        var files: [File] = []
        let base = [("namespace.yaml", manifests.namespaceObjects())] + (try components(.shared))
        files.append(File(path: "\(root)/base/kustomization.yaml",
                          documents: [kustomization(base.map(\.0))]))
        files += base.map { File(path: "\(root)/base/\($0.0)", documents: $0.1) }

        for (index, set) in architecture.sets.enumerated() {
            let own = try components(.set(index))
            let dir = "\(root)/overlays/\(set.name)"
            files.append(File(path: "\(dir)/kustomization.yaml",
                              documents: [kustomization(["../../base"] + own.map(\.name))]))
            files += own.map { File(path: "\(dir)/\($0.name)", documents: $0.documents) }
        }
        return files
    }

    /// Every object of every file lives in one namespace, so no two of a kind may share a name
    /// (a service `a` in set `b-c` and a service `a-b` in set `c` would): refuse rather than let one
    /// overwrite the other.
    static func checkUniqueNames(_ files: [File]) throws {
        var seen: [String: String] = [:]
        for file in files {
            for document in file.documents {
                guard case .string(let kind)? = document["kind"], kind != "Kustomization",
                      case .string(let name)? = document["metadata"]?["name"] else { continue }
                let key = kind + "/" + name
                if let other = seen[key] {
                    throw GenerationError("two generated \(kind) objects are named \(name) (in \(other) and \(file.path)); rename a component or a set")
                }
                seen[key] = file.path
            }
        }
    }
}
