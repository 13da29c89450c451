extension GeneratorRegistry {
    /// Deployment targets: Kubernetes (kustomize base and per-set overlays) and docker compose.
    static var deploymentGenerators: [any Generator] { [KubernetesGenerator(), ComposeGenerator()] }
}
