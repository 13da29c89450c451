import Foundation
import StrataAnalysis
import StrataModel
import StrataRules
import StrataTestSupport
import Testing
import StrataDriver
import Yams
@testable import StrataGen

/// The structure of the `k8s` target's output for every example spec, read back from the YAML:
/// each overlay pins to its set's domain, budgets and autoscalers agree with the spec, stateful
/// services are StatefulSets, every object is named within Kubernetes' limits, and the kustomize
/// tree is complete. (Schema validity is proven by scripts/ci.d/50-deploy.sh with kubernetes-validate.)
@Suite struct KubernetesStructureTests {
    @Test(arguments: try DeployFixture.exampleSpecs()) func everyOverlayPinsToItsSetsDomain(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        let architecture = output.architecture
        let topology = architecture.topology
        for set in architecture.sets {
            let domain = topology[set.domain]
            let workloads = output.objects(under: "deploy/k8s/overlays/\(set.name)/").filter { $0.isWorkload }
            if architecture.components.contains(where: { architecture.placement(of: $0)?.isStriped == true }) {
                #expect(!workloads.isEmpty, "overlay \(set.name) deploys nothing")
            }
            for workload in workloads {
                #expect(workload.podLabels[DeploymentLabels.set] == set.name, "\(workload.name)")
                let affinity = workload.nodeAffinity
                if domain.level == .global {
                    #expect(affinity.isEmpty, "\(workload.name) of the implicit set is pinned")
                    continue
                }
                // The set's domain on its own topology label (a city through the zones of its IDCs).
                let region = try #require(topology.ancestor(of: set.domain, at: .region))
                #expect(affinity[DeploymentLabels.topologyKey(.region)] == [topology[region].name], "\(workload.name)")
                switch domain.level {
                case .city:
                    let zones = topology.domains(at: .idc, within: set.domain).map { topology[$0].name }
                    #expect(affinity[DeploymentLabels.topologyKey(.idc)] == zones, "\(workload.name)")
                case .idc, .rack, .machine:
                    let level = domain.level
                    #expect(affinity[DeploymentLabels.topologyKey(level)] == [domain.name], "\(workload.name)")
                default: break
                }
                // Spread inside the set: over the pods of this workload in this set only.
                let spread = workload.spreadConstraints
                if domain.level > .machine { #expect(!spread.isEmpty, "\(workload.name) does not spread") }
                #expect(spread.filter(\.required).count == (spread.isEmpty ? 0 : 1), "\(workload.name) needs exactly one required spread")
                for constraint in spread {
                    #expect(constraint.selector[DeploymentLabels.set] == set.name)
                    #expect(constraint.selector.allSatisfy { workload.podLabels[$0.key] == $0.value })
                }
            }
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func disruptionBudgetsLeaveRoomToDrain(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        let budgets = output.objects.filter { $0.kind == "PodDisruptionBudget" }
        #expect(budgets.count == output.objects.filter(\.isWorkload).count)
        for budget in budgets {
            let workload = try #require(output.objects.first { $0.isWorkload && $0.name == budget.name }, "\(budget.name)")
            let selector = budget.dictionary("spec", "selector", "matchLabels").mapValues { "\($0)" }
            #expect(selector == workload.dictionary("spec", "selector", "matchLabels").mapValues { "\($0)" })
            let minAvailable = try #require(budget.int("spec", "minAvailable"))
            let floor = output.hpa(for: workload)?.int("spec", "minReplicas") ?? workload.int("spec", "replicas") ?? 0
            #expect(minAvailable < floor, "\(budget.name): minAvailable \(minAvailable), replicas \(floor)")
            #expect(minAvailable >= 0)
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func autoscalersMatchScale(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        let architecture = output.architecture
        let hpas = output.objects.filter { $0.kind == "HorizontalPodAutoscaler" }
        var expected = 0
        for workload in output.objects.filter({ $0.isWorkload && $0.component == "service" }) {
            let services = architecture.style == .monolith ? architecture.services : [try #require(architecture.service(workload.appName))]
            let scales = services.compactMap(\.autoscale)
            guard let hpa = output.hpa(for: workload) else {
                #expect(scales.isEmpty, "\(workload.name) has `scale` but no autoscaler")
                continue
            }
            expected += 1
            if architecture.style != .monolith, let scale = scales.first {
                #expect(hpa.int("spec", "minReplicas") == scale.min)
                #expect(hpa.int("spec", "maxReplicas") == scale.max)
                let cpu = hpa.list("spec", "metrics").first.map { DeployObject($0).int("resource", "target", "averageUtilization") }
                #expect(cpu == Int(scale.cpuPercent.rounded()))
            }
            #expect(hpa.string("spec", "scaleTargetRef", "kind") == workload.kind)
            // The autoscaler owns the replica count: applying again must not reset it.
            #expect(workload.int("spec", "replicas") == nil, "\(workload.name) sets replicas under an autoscaler")
        }
        #expect(hpas.count == expected)
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func statefulServicesAreStatefulSetsWithHeadlessServices(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        let architecture = output.architecture
        for workload in output.objects.filter({ $0.isWorkload && $0.component == "service" }) {
            let services = architecture.style == .monolith ? architecture.services : [try #require(architecture.service(workload.appName))]
            let stateful = services.first { $0.stateful }
            #expect(workload.kind == (stateful != nil ? "StatefulSet" : "Deployment"), "\(workload.name)")
            guard let stateful else { continue }
            let headless = try #require(workload.string("spec", "serviceName"))
            let service = try #require(output.objects.first { $0.kind == "Service" && $0.name == headless })
            #expect(service.string("spec", "clusterIP") == "None")
            if let key = stateful.key?.value {
                #expect(workload.annotations[DeploymentLabels.partitionKey] == key)
                #expect(service.annotations[DeploymentLabels.partitionKey] == key)
            }
        }
        // Every stateful service has a StatefulSet in every set it runs in.
        for service in architecture.services where service.stateful && architecture.style != .monolith {
            let count = output.objects.filter { $0.kind == "StatefulSet" && $0.appName == service.name && $0.component == "service" }.count
            #expect(count == (service.placement.isStriped ? architecture.sets.count : 1), "\(service.name)")
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func podsAreProbedLimitedAndUnprivileged(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        for workload in output.objects.filter(\.isWorkload) {
            let pod = DeployObject(workload.dictionary("spec", "template", "spec"))
            #expect(pod.bool("securityContext", "runAsNonRoot") == true, "\(workload.name)")
            #expect(pod.bool("automountServiceAccountToken") == false, "\(workload.name)")
            for container in pod.list("containers").map(DeployObject.init) {
                #expect(container.bool("securityContext", "allowPrivilegeEscalation") == false, "\(workload.name)")
                #expect(container.bool("securityContext", "readOnlyRootFilesystem") == true, "\(workload.name)")
                #expect(container.bool("securityContext", "runAsNonRoot") == true, "\(workload.name)")
                #expect(container.list("securityContext", "capabilities", "drop").map { "\($0)" } == ["ALL"])
                for key in ["cpu", "memory"] {
                    #expect(container.string("resources", "requests", key) != nil, "\(workload.name) \(key) request")
                    #expect(container.string("resources", "limits", key) != nil, "\(workload.name) \(key) limit")
                }
                #expect(!container.dictionary("readinessProbe").isEmpty, "\(workload.name) readiness")
                #expect(!container.dictionary("livenessProbe").isEmpty, "\(workload.name) liveness")
                if workload.component == "service" {
                    // The generated services' own endpoints.
                    #expect(container.string("readinessProbe", "httpGet", "path") == RuntimeContract.readyPath)
                    #expect(container.string("livenessProbe", "httpGet", "path") == RuntimeContract.healthPath)
                    #expect(container.int("ports", 0, "containerPort") == RuntimeContract.containerPort)
                }
            }
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func servicesReadTheRuntimeContract(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        let architecture = output.architecture
        for workload in output.objects.filter({ $0.isWorkload && $0.component == "service" }) {
            let container = DeployObject(workload.list("spec", "template", "spec", "containers")[0])
            var env: [String: String] = [:]
            for item in container.list("env").map(DeployObject.init) {
                env[item.string("name")!] = item.string("value") ?? "from " + (item.string("valueFrom", "fieldRef", "fieldPath") ?? "?")
            }
            #expect(env[RuntimeContract.Environment.architecture] == architecture.name)
            #expect(env[RuntimeContract.Environment.port] == String(RuntimeContract.containerPort))
            #expect(env[RuntimeContract.Environment.instance] == "from metadata.name")
            #expect(env[RuntimeContract.Environment.advertiseHost] == "from status.podIP")
            // The generated runtime accepts only set names of the architecture (shared: unset), and
            // for the monolith only service names (unset: it serves them all).
            #expect(env[RuntimeContract.Environment.set] == workload.podLabels[DeploymentLabels.set])
            if let set = env[RuntimeContract.Environment.set] { #expect(architecture.sets.contains { $0.name == set }) }
            if architecture.style == .monolith {
                #expect(env[RuntimeContract.Environment.service] == nil)
            } else {
                #expect(env[RuntimeContract.Environment.service] == workload.appName)
            }
            let registry = architecture.discovery?.mode == .registry && architecture.discovery?.engine == .etcd
            #expect((env[RuntimeContract.Environment.etcdEndpoints] != nil) == registry, "\(workload.name)")
            #expect(container.string("image") == "strata/\(architecture.name)-\(workload.appName):latest")
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func registryIsAnEtcdStatefulSetWithTheDeclaredMembers(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        let architecture = output.architecture
        let members = output.objects.filter { $0.kind == "StatefulSet" && $0.component == "registry" }
        guard let discovery = architecture.discovery, discovery.mode == .registry, discovery.engine == .etcd,
              let placement = discovery.placement else {
            #expect(members.isEmpty)
            return
        }
        #expect(members.count == (placement.isStriped ? architecture.sets.count : 1))
        let instances = architecture.instances[ComponentID(.registry, "registry")] ?? []
        for member in members {
            #expect(member.int("spec", "replicas") == placement.count)
            let args = member.list("spec", "template", "spec", "containers", 0, "args").map { "\($0)" }
            let cluster = try #require(args.first { $0.hasPrefix("--initial-cluster=") })
            #expect(cluster.split(separator: ",").count == placement.count)
            if case .across(let level, _) = placement.mode {
                // Pinned to the domains the placement put members in, and spread over them.
                let expected = Set(instances.compactMap { architecture.topology.ancestor(of: $0.machine, at: level) }
                    .map { architecture.topology[$0].name })
                if level == .idc { #expect(Set(member.nodeAffinity[DeploymentLabels.topologyKey(.idc)] ?? []) == expected) }
                let required = member.spreadConstraints.filter(\.required).map(\.key)
                #expect(required == [DeploymentLabels.topologyKey(level)])
            }
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func storesArePlaceholdersNotDatabases(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        for store in output.architecture.stores {
            let placeholders = output.objects.filter { $0.component == "store" && $0.appName == store.name }
            #expect(!placeholders.isEmpty, "\(store.name)")
            for object in placeholders {
                #expect(object.kind == "Service")
                #expect(object.string("spec", "type") == "ExternalName")
                #expect(object.annotations[DeploymentLabels.placeholder]?.contains("placeholder") == true)
                #expect(object.annotations[DeploymentLabels.credentialsSecret] == "\(store.name)-credentials")
            }
        }
        #expect(!output.objects.contains { $0.isWorkload && $0.component == "store" })
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func namesAreValidAndUnique(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        var seen: Set<String> = []
        for object in output.objects where object.kind != "Kustomization" {
            #expect(DeployFixture.isDNSLabel(object.name), "\(object.kind) \(object.name)")
            #expect(seen.insert(object.kind + "/" + object.name).inserted, "duplicate \(object.kind) \(object.name)")
            if object.kind == "StatefulSet" { #expect(object.name.utf8.count <= KubernetesNames.workloadLimit) }
            for (key, value) in object.labels { #expect(value.utf8.count <= 63, "\(object.name) label \(key)") }
            #expect(object.namespace == output.architecture.name || object.kind == "Namespace")
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func kustomizationsListExactlyTheirFiles(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        let paths = Set(output.artifacts.map(\.path))
        let dirs = ["deploy/k8s/base"] + output.architecture.sets.map { "deploy/k8s/overlays/\($0.name)" }
        for dir in dirs {
            let kustomization = try #require(output.documents(at: dir + "/kustomization.yaml").first)
            #expect(kustomization.string("kind") == "Kustomization")
            #expect(kustomization.string("namespace") == output.architecture.name)
            let resources = kustomization.list("resources").map { "\($0)" }
            let files = paths.filter { $0.hasPrefix(dir + "/") && !$0.hasSuffix("/kustomization.yaml") }
                .map { String($0.dropFirst(dir.count + 1)) }
            #expect(Set(resources.filter { !$0.hasPrefix("..") }) == Set(files), "\(dir)")
            if dir != "deploy/k8s/base" { #expect(resources.first == "../../base") }
        }
        #expect(paths.allSatisfy { $0.hasPrefix("deploy/k8s/") || $0.hasPrefix("deploy/compose/") })
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func gatewaysRouteToTheirSetsServiceDNSNames(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        let architecture = output.architecture
        for map in output.objects.filter({ $0.kind == "ConfigMap" }) {
            let text = try #require(map.string("data", "envoy.yaml"))
            #expect(text.hasPrefix("# generated by strata from \(spec)"))
            let config = DeployObject(try #require(try Yams.load(yaml: text) as? [String: Any]))
            let set = map.labels[DeploymentLabels.set]
            for cluster in config.list("static_resources", "clusters").map(DeployObject.init) {
                let priorities = cluster.list("load_assignment", "endpoints").map(DeployObject.init)
                let first = priorities.first.map { $0.list("lb_endpoints").map { DeployObject($0).string("endpoint", "address", "socket_address", "address") ?? "" } } ?? []
                #expect(!first.isEmpty)
                for host in first {
                    #expect(host.hasSuffix(".\(architecture.name).svc.cluster.local"), "\(host)")
                    // A gateway of a set prefers that set's instances.
                    let target = output.objects.first { $0.kind == "Service" && host.hasPrefix($0.name + ".") }
                    #expect(target != nil, "\(host) is no generated Service")
                    if let set, let serviceSet = target?.labels[DeploymentLabels.set] {
                        #expect(serviceSet == set, "\(map.name) prefers \(host)")
                    }
                }
                if architecture.striping.failover == .none { #expect(priorities.count <= 1) }
            }
        }
    }

    @Test func outputIsDeterministic() throws {
        let a = try DeployFixture.build(spec: "specs/shop.strata").artifacts
        let b = try DeployFixture.build(spec: "specs/shop.strata").artifacts
        #expect(a == b)
    }

    @Test func everyFileCarriesTheGeneratedHeader() throws {
        for artifact in try DeployFixture.build(spec: "specs/shop.strata").artifacts {
            let text = String(decoding: artifact.contents, as: UTF8.self)
            #expect(text.hasPrefix("# generated by strata from specs/shop.strata — do not edit\n"), "\(artifact.path)")
        }
    }
}

// MARK: - Support shared by the deployment tests

/// Builds the deployment targets of a spec and reads the output back.
enum DeployFixture {
    /// `specs/*.strata`, relative to the repository.
    /// Throws when the folder cannot be read or is empty.
    static func exampleSpecs() throws -> [String] {
        try strataFiles(in: "specs")
    }

    /// The generated deployment files of one spec, parsed.
    struct Output {
        let architecture: Architecture
        let artifacts: [Artifact]
        /// Every Kubernetes object (and kustomization) with the file it is in.
        let objects: [DeployObject]

        func documents(at path: String) -> [DeployObject] {
            guard let artifact = artifacts.first(where: { $0.path == path }) else { return [] }
            return DeployFixture.parse(artifact)
        }

        func objects(under prefix: String) -> [DeployObject] { objects.filter { $0.file.hasPrefix(prefix) } }

        /// The autoscaler targeting a workload.
        func hpa(for workload: DeployObject) -> DeployObject? {
            objects.first { $0.kind == "HorizontalPodAutoscaler" && $0.string("spec", "scaleTargetRef", "name") == workload.name }
        }
    }

    static func build(spec: String) throws -> Output {
        if let cached = cache.withLock({ $0[spec] }) { return cached }
        let compilation = try Compiler.compile(path: repositoryPath(spec))
        let output = try build(compilation, specPath: spec)
        cache.withLock { $0[spec] = output }
        return output
    }

    /// Outputs of the example specs, built once per test run (they are read, never changed).
    static let cache = Locked<[String: Output]>([:])

    static func build(text: String) throws -> Output {
        let compilation = Compiler.compile(text: text, path: "spec.strata") { _ in throw NoIncludes() }
        return try build(compilation, specPath: "spec.strata")
    }

    static func build(_ compilation: Compilation, specPath: String) throws -> Output {
        let errors = compilation.diagnostics.filter { $0.severity == .error }.map(\.message)
        let architecture = try #require(compilation.architecture, "\(specPath) does not compile: \(errors)")
        let input = GenerationInput(analyses: ArchitectureAnalyses(architecture), specPath: specPath, check: Checker.check(architecture),
                                    ruleDescriptors: Pipeline.ruleDescriptors, templates: .standard(overrideDirectory: nil))
        let artifacts = try KubernetesGenerator().generate(input) + ComposeGenerator().generate(input)
        let objects = artifacts.filter { $0.path.hasPrefix("deploy/k8s/") }.flatMap(parse)
        return Output(architecture: architecture, artifacts: artifacts, objects: objects)
    }

    struct NoIncludes: Error {}

    static func parse(_ artifact: Artifact) -> [DeployObject] {
        let text = String(decoding: artifact.contents, as: UTF8.self)
        guard let documents = try? Yams.load_all(yaml: text) else {
            Issue.record("\(artifact.path) is not YAML")
            return []
        }
        return documents.compactMap { ($0 as? [String: Any]).map { DeployObject($0, file: artifact.path) } }
    }

    /// An RFC 1123 label: lowercase letters, digits and `-`, at most 63, starting and ending alphanumeric.
    static func isDNSLabel(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 63, bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// One parsed YAML mapping with typed lookups along a path of keys and indices.
struct DeployObject {
    let value: [String: Any]
    let file: String

    init(_ value: Any) { self.init(value, file: "") }

    init(_ value: Any, file: String) {
        self.value = value as? [String: Any] ?? [:]
        self.file = file
    }

    func lookup(_ path: [Any]) -> Any? {
        var current: Any? = value
        for step in path {
            if let key = step as? String { current = (current as? [String: Any])?[key] }
            else if let index = step as? Int { current = (current as? [Any]).flatMap { index < $0.count ? $0[index] : nil } }
        }
        return current
    }

    func string(_ path: Any...) -> String? { lookup(path) as? String }
    func int(_ path: Any...) -> Int? { lookup(path) as? Int }
    func bool(_ path: Any...) -> Bool? { lookup(path) as? Bool }
    func list(_ path: Any...) -> [Any] { lookup(path) as? [Any] ?? [] }
    func dictionary(_ path: Any...) -> [String: Any] { lookup(path) as? [String: Any] ?? [:] }

    var kind: String { string("kind") ?? "" }
    var name: String { string("metadata", "name") ?? "" }
    var namespace: String? { string("metadata", "namespace") }
    var labels: [String: String] { dictionary("metadata", "labels").compactMapValues { $0 as? String } }
    var annotations: [String: String] { dictionary("metadata", "annotations").compactMapValues { $0 as? String } }
    var component: String? { labels[DeploymentLabels.component] }
    /// `app.kubernetes.io/name`: the service, gateway, store or `etcd`.
    var appName: String { labels[DeploymentLabels.name] ?? "" }
    var isWorkload: Bool { kind == "Deployment" || kind == "StatefulSet" }
    var podLabels: [String: String] { dictionary("spec", "template", "metadata", "labels").compactMapValues { $0 as? String } }

    /// Required node affinity as key → values (`In` expressions of the single term).
    var nodeAffinity: [String: [String]] {
        let terms = list("spec", "template", "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
        var result: [String: [String]] = [:]
        for term in terms {
            for expression in DeployObject(term).list("matchExpressions").map(DeployObject.init) where expression.string("operator") == "In" {
                result[expression.string("key") ?? ""] = expression.list("values").map { "\($0)" }
            }
        }
        return result
    }

    struct Spread {
        let key: String
        let required: Bool
        let selector: [String: String]
    }

    var spreadConstraints: [Spread] {
        list("spec", "template", "spec", "topologySpreadConstraints").map(DeployObject.init).map {
            Spread(key: $0.string("topologyKey") ?? "", required: $0.string("whenUnsatisfiable") == "DoNotSchedule",
                   selector: $0.dictionary("labelSelector", "matchLabels").compactMapValues { $0 as? String })
        }
    }
}
