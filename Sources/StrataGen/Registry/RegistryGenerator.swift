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
        case .etcd: return try EtcdRegistryEmitter(architecture: input.architecture, header: input.header, templates: input.templates).artifacts()
        case .consul: return try ConsulRegistryEmitter(architecture: input.architecture, header: input.header).artifacts()
        case .envoy: return []
        }
    }
}

/// One service instance as it registers itself in local runs (the value the runtime writes).
struct RegisteredInstance {
    let service: String
    /// The set it serves, or nil when shared by every set.
    let set: String?
    let instance: String
    let host: String
    let port: Int

    /// Path segment standing for the set of an instance shared by every set (as the generated runtime writes it).
    static let sharedSetSegment = "shared"

    var setSegment: String { self.set ?? Self.sharedSetSegment }

    /// Every service instance of `architecture`, services in canonical order, instances in placement order.
    static func all(in architecture: Architecture) throws -> [RegisteredInstance] {
        let ports = LocalPorts(architecture)
        var result: [RegisteredInstance] = []
        for component in architecture.components where component.kind == .service {
            for instance in architecture.instances[component] ?? [] {
                guard let port = ports.port(of: instance) else {
                    throw GenerationError("service \(component.name) has an instance without a local port")
                }
                result.append(RegisteredInstance(service: component.name, set: instance.set.map { architecture.sets[$0].name },
                                                 instance: RuntimeContract.instanceName(instance, in: architecture),
                                                 host: GatewayPlanner.host, port: port))
            }
        }
        return result
    }
}
