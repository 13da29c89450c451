import Foundation
import StrataModel

/// `registry/etcd/`: the local etcd registry of an architecture with `discovery { engine etcd }`.
///
/// - `<member>.conf.yaml`: one etcd configuration file (`etcd --config-file`) per declared replica,
///   on the loopback ports of ``LocalPorts/etcdPorts(member:)``, with the initial-cluster string of its cluster;
/// - `start.sh`: starts every member in the background and waits until each is healthy (`start.sh stop` stops them);
/// - `layout.md`: the clusters, the key layout and every instance's key and value.
///
/// A registry placed `per set` is one cluster per set (each set's services register in their own set's
/// cluster); otherwise all replicas form one cluster shared by every set.
struct EtcdRegistryEmitter {
    let architecture: Architecture
    /// The members, from the build plan.
    let members: [BuildPlan.EtcdMember]
    /// Every service instance, for the key listing.
    let instances: [BuildPlan.ServiceInstance]
    let header: String
    let templates: TemplateSource

    /// Where the registry's files go, relative to the output folder.
    static let folder = "registry/etcd"

    /// The members that form one cluster.
    struct Cluster {
        /// The set whose cluster this is; nil for a cluster shared by every set.
        let set: String?
        let token: String
        let members: [BuildPlan.EtcdMember]

        var initialCluster: String { members.map { "\($0.name)=\($0.peerURL)" }.joined(separator: ",") }
        var endpoints: String { members.map(\.clientURL).joined(separator: ",") }
    }

    /// Default lease TTL of registrations, in seconds (``RuntimeContract/Environment/leaseTTL``).
    static let defaultLeaseTTL = 10

    func artifacts() throws -> [Artifact] {
        guard !members.isEmpty else { throw GenerationError("the etcd registry has no placed member") }
        let clusters = self.clusters()
        var artifacts: [Artifact] = []
        for cluster in clusters {
            for member in cluster.members {
                artifacts.append(Artifact(path: member.configFile, contents: config(member, of: cluster)))
            }
        }
        artifacts.append(Artifact(path: "\(Self.folder)/start.sh", contents: try startScript(clusters), executable: true))
        artifacts.append(Artifact(path: "\(Self.folder)/layout.md", contents: try layout(clusters)))
        return artifacts
    }

    /// The clusters of the registry, in member order (set order for a registry placed per set).
    func clusters() -> [Cluster] {
        var clusters: [Cluster] = []
        for member in members {
            if let last = clusters.last, last.set == member.set {
                clusters[clusters.count - 1] = Cluster(set: last.set, token: last.token, members: last.members + [member])
            } else {
                let token = "strata-\(architecture.name)" + (member.set.map { "-\($0)" } ?? "")
                clusters.append(Cluster(set: member.set, token: token, members: [member]))
            }
        }
        return clusters
    }

    // MARK: Member configuration

    func config(_ member: BuildPlan.EtcdMember, of cluster: Cluster) -> String {
        let comments = [
            header,
            "etcd member `\(member.name)` of the registry of `\(architecture.name)`"
                + (cluster.set.map { " (the cluster of set `\($0)`)" } ?? " (one cluster shared by every set)") + ", for local runs.",
            "Start every member: ./start.sh [DATA_DIR]. This one alone: cd DATA_DIR && etcd --config-file \(member.name).conf.yaml",
            "data-dir is relative: it is created in the working directory.",
        ]
        let document: YAMLValue = .object([
            "name": .string(member.name),
            "data-dir": .string(member.dataDirectory),
            "listen-client-urls": .string(member.clientURL),
            "advertise-client-urls": .string(member.clientURL),
            "listen-peer-urls": .string(member.peerURL),
            "initial-advertise-peer-urls": .string(member.peerURL),
            "initial-cluster": .string(cluster.initialCluster),
            "initial-cluster-token": .string(cluster.token),
            "initial-cluster-state": "new",
            "heartbeat-interval": 100,
            "election-timeout": 1000,
            "strict-reconfig-check": true,
            "enable-v2": false,
            // The generated services use the v3 JSON gateway (/v3/kv/put ...): off unless set in a config file.
            "enable-grpc-gateway": true,
            "logger": "zap",
            "log-level": "warn",
            "log-outputs": ["stderr"],
        ])
        return CommentText.hashComment(comments) + YAMLWriter.document(document)
    }

    // MARK: start.sh

    /// `start.sh` from its template (`registry/etcd/start.sh.mustache`), every value single-quoted for bash.
    func startScript(_ clusters: [Cluster]) throws -> String {
        let members = clusters.flatMap(\.members)
        let quote = ShellText.quote
        let endpoints = RuntimeContract.Environment.etcdEndpoints
        return try TemplateRenderer(templates: templates).render(Self.startScriptTemplate, [
            "header": CommentText.oneLine(header),
            "architectureComment": CommentText.oneLine(architecture.name),
            "memberCount": "\(members.count) member\(members.count == 1 ? "" : "s")",
            "architecture": quote(architecture.name),
            "members": members.map { quote($0.name) },
            "clients": members.map { quote($0.clientURL) },
            "clusters": clusters.map { quote(($0.set.map { "set \($0)" } ?? "shared by every set") + ": \(endpoints)=" + $0.endpoints) },
        ])
    }

    static let startScriptTemplate = "registry/etcd/start.sh.mustache"

    // MARK: layout.md

    func layout(_ clusters: [Cluster]) throws -> String {
        var md = MarkdownWriter()
        md.line("<!-- " + CommentText.oneLine(header).replacingOccurrences(of: "--", with: "- -") + " -->")
        md.blank()
        md.line("# Service registry of `\(architecture.name)`: etcd")
        md.blank()
        md.line("For local runs: every member and service instance listens on loopback (strata's `LocalPorts`).")
        md.blank()
        md.line("## Clusters")
        md.blank()
        if clusters.count == 1 {
            md.line("One cluster, shared by every set.")
        } else {
            md.line("The registry is placed `per set`: one cluster per set. Each set's instances register in, and discover from, their own set's cluster.")
        }
        md.blank()
        md.line("| set | member | client URL | peer URL | config |")
        md.line("|---|---|---|---|---|")
        for cluster in clusters {
            for member in cluster.members {
                md.line("| \(cluster.set ?? "every set") | `\(member.name)` | \(member.clientURL) | \(member.peerURL) | `\(member.name).conf.yaml` |")
            }
        }
        md.blank()
        md.line("Start every member with `registry/etcd/start.sh [DATA_DIR]` (it waits until each is healthy and prints the")
        md.line("endpoints) and stop them with `registry/etcd/start.sh stop [DATA_DIR]`. Services find the registry through")
        md.line("`\(RuntimeContract.Environment.etcdEndpoints)` (comma-separated client URLs):")
        md.blank()
        for cluster in clusters {
            md.line("- " + (cluster.set.map { "set `\($0)`" } ?? "every set") + ": `\(RuntimeContract.Environment.etcdEndpoints)=\(cluster.endpoints)`")
        }
        md.blank()
        md.line("## Keys")
        md.blank()
        md.line("Every service instance registers itself when it starts listening, under")
        md.blank()
        md.line("    /strata/<architecture>/<service>/<set>/<instance>")
        md.blank()
        md.line("where `<set>` is `\(BuildPlan.ServiceInstance.sharedSetSegment)` for an instance shared by every set. The value is JSON:")
        md.line("`host` and `port` to reach it, `set` (absent when shared) and `instance`. The key is attached to a lease of")
        md.line("`\(RuntimeContract.Environment.leaseTTL)` seconds (default \(Self.defaultLeaseTTL)), kept alive while the instance runs and")
        md.line("revoked when it shuts down, so a dead instance disappears within one TTL.")
        md.blank()
        md.line("Find every instance of a service: `etcdctl get --prefix /strata/\(architecture.name)/<service>/`. Register by hand:")
        md.blank()
        md.line("    lease=$(etcdctl lease grant \(Self.defaultLeaseTTL) | awk '{print $2}')")
        md.line("    etcdctl put --lease=$lease /strata/\(architecture.name)/<service>/<set>/<instance> '{\"host\":\"127.0.0.1\",\"port\":20000,...}'")
        md.blank()
        md.line("## Instances")
        md.blank()
        md.line("| key | value |")
        md.line("|---|---|")
        for instance in instances {
            let key = RuntimeContract.registryKey(architecture: architecture.name, service: instance.service,
                                                  set: instance.registrySet, instance: instance.name)
            md.line("| `\(key)` | `\(try Self.value(of: instance))` |")
        }
        return md.text
    }

    /// The registered JSON value of an instance (keys sorted).
    static func value(of instance: BuildPlan.ServiceInstance) throws -> String {
        let value = RegisteredValue(host: LoopbackAddressing.host, port: instance.port, set: instance.set, instance: instance.name)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The JSON value the generated runtime registers (`PeerInstance`); `set` is left out when nil.
    private struct RegisteredValue: Encodable {
        let host: String
        let port: Int
        let set: String?
        let instance: String
    }
}

/// Text placed in bash scripts.
enum ShellText {
    /// `'text'` with every `'` written as `'\''`: nothing in it is expanded or split.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

/// Writes Markdown line by line.
struct MarkdownWriter {
    private(set) var text = ""
    mutating func line(_ line: String) { text += line + "\n" }
    mutating func blank() { text += "\n" }
}
