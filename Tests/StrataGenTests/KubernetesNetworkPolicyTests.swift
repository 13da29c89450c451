import Foundation
import StrataAnalysis
import StrataModel
import StrataTestSupport
import Testing
@testable import StrataGen

/// The generated NetworkPolicies, evaluated as Kubernetes does (a pod selected by any ingress
/// policy accepts only what one of them admits), between every pair of generated pods: a service
/// accepts exactly its declared callers (from the call graph) and the gateways routing to it.
@Suite struct KubernetesNetworkPolicyTests {
    @Test(arguments: try DeployFixture.exampleSpecs()) func policiesAdmitExactlyTheDeclaredEdges(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        let edges = Self.declaredEdges(output.architecture)
        let policies = NetworkPolicies(output.objects)
        let pods = output.objects.filter(\.isWorkload)
        let services = pods.filter { $0.component == "service" }
        for source in pods where source.component == "service" || source.component == "gateway" {
            for target in services {
                let declared = edges.contains(Edge(from: source.component! + " " + source.appName, to: target.appName))
                let admitted = policies.admits(from: source.podLabels, to: target.podLabels, port: RuntimeContract.containerPort)
                #expect(admitted == declared, "\(source.name) → \(target.name): admitted \(admitted), declared \(declared)")
            }
        }
    }

    @Test(arguments: try DeployFixture.exampleSpecs()) func everyPodIsIsolatedAndGatewaysAreOpen(spec: String) throws {
        let output = try DeployFixture.build(spec: spec)
        let policies = NetworkPolicies(output.objects)
        let stranger = ["app.kubernetes.io/name": "stranger", "app.kubernetes.io/component": "service"]
        for pod in output.objects.filter(\.isWorkload) {
            #expect(policies.isolated(pod.podLabels), "\(pod.name) accepts anything")
            let open = policies.admits(from: ["run": "anything"], to: pod.podLabels, port: RuntimeContract.gatewayContainerPort)
            #expect(open == (pod.component == "gateway"), "\(pod.name)")
            if pod.component == "service" {
                #expect(!policies.admits(from: stranger, to: pod.podLabels, port: RuntimeContract.containerPort), "\(pod.name)")
            }
        }
        // Services register with etcd, and members talk to the members of their own cluster;
        // gateways, other clusters and strangers don't reach it.
        for registry in output.objects.filter({ $0.isWorkload && $0.component == "registry" }) {
            for pod in output.objects.filter(\.isWorkload) {
                let admitted = policies.admits(from: pod.podLabels, to: registry.podLabels, port: RuntimeContract.etcdClientPort)
                let member = pod.component == "registry" && pod.name == registry.name
                #expect(admitted == (pod.component == "service" || member), "\(pod.name) → \(registry.name)")
                let peer = policies.admits(from: pod.podLabels, to: registry.podLabels, port: RuntimeContract.etcdPeerPort)
                #expect(peer == member, "\(pod.name) → \(registry.name) peer port")
            }
        }
    }

    /// Adding a service that calls `orders` admits it there and nowhere else: it never declared a
    /// call to `users`, and without its declaration the same pod is refused by `orders` too.
    @Test func anUndeclaredCallerIsDenied() throws {
        let shop = try String(contentsOf: repositoryRoot.appendingPathComponent("specs/shop.strata"), encoding: .utf8)
        let rogue = """
              service rogue {
                replicas 1 per set
                endpoint poke GET "/rogue" { budget 100ms; call orders.get timeout 50ms }
              }

            """
        let marker = "  store orders-db {"
        #expect(shop.contains(marker))
        let text = shop.replacingOccurrences(of: marker, with: rogue + marker)
        let withRogue = try DeployFixture.build(text: text)
        let policies = NetworkPolicies(withRogue.objects)
        let pods = withRogue.objects.filter(\.isWorkload)
        let rogues = pods.filter { $0.appName == "rogue" }
        #expect(rogues.count == withRogue.architecture.sets.count)
        for source in rogues {
            for target in pods where target.component == "service" && target.appName != "rogue" {
                let admitted = policies.admits(from: source.podLabels, to: target.podLabels, port: RuntimeContract.containerPort)
                #expect(admitted == (target.appName == "orders"), "\(source.name) → \(target.name)")
            }
        }
        // The original policies know no rogue: its pods are refused by every service.
        let original = try DeployFixture.build(spec: "specs/shop.strata")
        let before = NetworkPolicies(original.objects)
        for source in rogues {
            for target in original.objects where target.isWorkload && target.component == "service" {
                #expect(!before.admits(from: source.podLabels, to: target.podLabels, port: RuntimeContract.containerPort),
                        "\(source.name) → \(target.name)")
            }
        }
        // In the original spec, `orders` calls `users` but not the other way round.
        let users = try #require(original.objects.first { $0.isWorkload && $0.appName == "users" })
        let orders = try #require(original.objects.first { $0.isWorkload && $0.appName == "orders" })
        #expect(before.admits(from: orders.podLabels, to: users.podLabels, port: RuntimeContract.containerPort))
        #expect(!before.admits(from: users.podLabels, to: orders.podLabels, port: RuntimeContract.containerPort))
    }

    struct Edge: Hashable {
        /// `service NAME` or `gateway NAME`.
        let from: String
        let to: String
    }

    /// Who may call which service, from the spec alone: declared calls between services (in-process,
    /// so none, in a monolith) and gateway routes.
    static func declaredEdges(_ architecture: Architecture) -> Set<Edge> {
        var edges: Set<Edge> = []
        let monolith = architecture.style == .monolith
        let target = { (service: String) in monolith ? architecture.name : service }
        if !monolith {
            let graph = CallGraph(architecture)
            for (from, calls) in graph.calls.enumerated() {
                for call in calls {
                    edges.insert(Edge(from: "service " + graph.endpoints[from].service, to: graph.endpoints[call.callee].service))
                }
            }
        }
        for gateway in architecture.gateways {
            for route in gateway.routes { edges.insert(Edge(from: "gateway " + gateway.name, to: target(route.service))) }
        }
        return edges
    }
}

/// The ingress NetworkPolicies of one namespace, evaluated like Kubernetes does.
struct NetworkPolicies {
    let policies: [DeployObject]

    init(_ objects: [DeployObject]) {
        policies = objects.filter { $0.kind == "NetworkPolicy" }
    }

    /// True when some policy selects the pod, so that only what policies admit reaches it.
    func isolated(_ pod: [String: String]) -> Bool {
        policies.contains { Self.selects($0.dictionary("spec", "podSelector"), pod) && $0.list("spec", "policyTypes").contains { "\($0)" == "Ingress" } }
    }

    /// Whether a pod with labels `source` (in the same namespace) may open a TCP connection to `target` on `port`.
    func admits(from source: [String: String], to target: [String: String], port: Int) -> Bool {
        let selecting = policies.filter { policy in
            let ingress = policy.list("spec", "policyTypes").contains { "\($0)" == "Ingress" }
            return ingress && Self.selects(policy.dictionary("spec", "podSelector"), target)
        }
        if selecting.isEmpty { return true }
        for policy in selecting {
            for rule in policy.list("spec", "ingress").map(DeployObject.init) where Self.rule(rule, admits: source, port: port) {
                return true
            }
        }
        return false
    }

    /// One ingress rule: any listed peer (all sources when none), on any listed port (all when none).
    static func rule(_ rule: DeployObject, admits source: [String: String], port: Int) -> Bool {
        let peers = (rule.value["from"] as? [Any] ?? []).map(DeployObject.init)
        let ports = (rule.value["ports"] as? [Any] ?? []).map(DeployObject.init)
        let fromOK = peers.isEmpty || peers.contains { peer in
            peer.value["namespaceSelector"] == nil && peer.value["ipBlock"] == nil && selects(peer.dictionary("podSelector"), source)
        }
        let portOK = ports.isEmpty || ports.contains { $0.int("port") == port }
        return fromOK && portOK
    }

    /// A label selector (`matchLabels` and `matchExpressions`) against a pod's labels; `{}` selects everything.
    static func selects(_ selector: [String: Any], _ labels: [String: String]) -> Bool {
        let selector = DeployObject(selector)
        for (key, value) in selector.dictionary("matchLabels") where labels[key] != "\(value)" { return false }
        for expression in selector.list("matchExpressions").map(DeployObject.init) {
            let key = expression.string("key") ?? ""
            let values = expression.list("values").map { "\($0)" }
            switch expression.string("operator") {
            case "In": guard let v = labels[key], values.contains(v) else { return false }
            case "NotIn": if let v = labels[key], values.contains(v) { return false }
            case "Exists": guard labels[key] != nil else { return false }
            case "DoesNotExist": guard labels[key] == nil else { return false }
            default: return false
            }
        }
        return true
    }
}
