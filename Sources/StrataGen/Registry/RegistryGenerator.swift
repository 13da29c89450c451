import StrataModel

/// `registry`: what runs the architecture's service registry, by `discovery` engine.
///
/// - `engine etcd`: `registry/etcd/` — one etcd config file per member, `start.sh` and the key layout.
/// - `engine consul`: `registry/consul/<instance>.json` — one service definition per service instance.
/// - `mode mesh`, or no `discovery` block: nothing (there is no registry to run).
struct RegistryGenerator: Generator {
    var target: BuildTarget { .registry }

    func generate(_ input: GenerationInput) throws -> [Artifact] {
        guard let discovery = input.architecture.discovery, discovery.mode == .registry else { return [] }
        switch discovery.engine {
        case .etcd:
            return try EtcdRegistryEmitter(architecture: input.architecture, members: input.plan.etcdMembers, instances: input.plan.instances,
                                           header: input.header, templates: input.templates).artifacts()
        case .consul:
            return try ConsulRegistryEmitter(architecture: input.architecture, instances: input.plan.instances, header: input.header).artifacts()
        case .envoy: return []
        }
    }
}

extension BuildPlan.ServiceInstance {
    /// Path segment standing for the set of an instance shared by every set (as the generated runtime writes it).
    static let sharedSetSegment = "shared"

    /// The `<set>` segment of its registry key: its set, or ``sharedSetSegment``.
    var registrySet: String { self.set ?? Self.sharedSetSegment }
}
