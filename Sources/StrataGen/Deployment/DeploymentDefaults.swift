import StrataModel

/// Images, resources and labels the deployment targets use where a spec says nothing.
/// Each is a documented placeholder (docs/deploy.md) that users override with kustomize patches.
enum DeploymentDefaults {
    /// The image of a generated executable: `strata/<architecture>-<executable>:latest`, the
    /// executable being the service (for a monolith, the architecture, as the `swift` target names it).
    static func serviceImage(_ workload: AppWorkload, architecture: Architecture) -> String {
        "strata/\(architecture.name)-\(workload.component):latest"
    }

    static let envoyImage = "envoyproxy/envoy:v1.40.0"
    static let etcdImage = "gcr.io/etcd-development/etcd:v3.5.21"
    /// Size of each etcd member's data volume.
    static let etcdStorage = "1Gi"

    /// User and group every container runs as (no container needs root).
    static let userID = 65532

    /// CPU and memory requests and limits of one container.
    struct Resources: Sendable {
        let cpuRequest: String, memoryRequest: String, cpuLimit: String, memoryLimit: String
    }

    static let serviceResources = Resources(cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "1", memoryLimit: "512Mi")
    static let gatewayResources = Resources(cpuRequest: "100m", memoryRequest: "64Mi", cpuLimit: "1", memoryLimit: "256Mi")
    static let etcdResources = Resources(cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "1Gi")

    /// Kubernetes cluster DNS domain used in the fully qualified names the proxies resolve.
    static let clusterDomain = "cluster.local"
}

/// Label and annotation keys of generated objects.
enum DeploymentLabels {
    static let name = "app.kubernetes.io/name"
    static let instance = "app.kubernetes.io/instance"
    static let component = "app.kubernetes.io/component"
    static let partOf = "app.kubernetes.io/part-of"
    static let managedBy = "app.kubernetes.io/managed-by"
    /// The set a striped component's pod serves (absent on shared components).
    static let set = "strata.dev/set"

    /// Node labels naming a node's failure domains: the standard region, zone (the IDC) and
    /// hostname labels, and Strata's own for the city and the rack, which Kubernetes has none for.
    static func topologyKey(_ level: DomainLevel) -> String {
        switch level {
        case .region: "topology.kubernetes.io/region"
        case .city: "topology.strata.dev/city"
        case .idc: "topology.kubernetes.io/zone"
        case .rack: "topology.strata.dev/rack"
        case .machine, .global: "kubernetes.io/hostname"
        }
    }

    /// The header a stateful service partitions requests by, and what that means.
    static let partitionKey = "strata.dev/partition-key"
    static let partitionNote = "strata.dev/partition-key-note"
    static let failureDomain = "strata.dev/failure-domain"
    static let configHash = "strata.dev/config-hash"
    static let callers = "strata.dev/callers"
    static let placeholder = "strata.dev/placeholder"
    static let engine = "strata.dev/engine"
    static let credentialsSecret = "strata.dev/credentials-secret"
}
