import StrataAnalysis
import StrataModel

/// One etcd member as the registry emitter plans it, for `strata up`.
public struct EtcdMemberPlan: Sendable, Equatable {
    public let name: String
    /// The set whose cluster it belongs to; nil for a cluster shared by every set.
    public let set: String?
    public let clientURL: String
    public let clientPort: Int
    /// The generated member configuration, relative to the build folder.
    public let configFile: String
}

extension EtcdRegistryEmitter {
    /// Every etcd member of the architecture's registry, in the emitter's order: the same values
    /// the member configurations are written from (empty when discovery is not etcd).
    public static func members(_ analyses: ArchitectureAnalyses) throws -> [EtcdMemberPlan] {
        guard analyses.architecture.discovery?.engine == .etcd else { return [] }
        return try EtcdRegistryEmitter(architecture: analyses.architecture, header: "").clusters().flatMap { cluster in
            cluster.members.map { member in
                EtcdMemberPlan(name: member.name, set: cluster.set, clientURL: member.clientURL,
                               clientPort: Int(member.clientURL.split(separator: ":").last ?? "") ?? 0,
                               configFile: "registry/etcd/\(member.name).conf.yaml")
            }
        }
    }
}
