import Foundation
import Testing
@testable import StrataGen

/// Generated names stay within Kubernetes' limits and are deterministic.
@Suite struct KubernetesNamesTests {
    @Test func shortNamesAreKept() {
        #expect(KubernetesNames.join(["orders", "sh-a"]) == "orders-sh-a")
        #expect(KubernetesNames.fit("orders", limit: 52) == "orders")
        let exactly = String(repeating: "a", count: 52)
        #expect(KubernetesNames.fit(exactly, limit: 52) == exactly)
    }

    @Test func longNamesAreCutWithAHashOfTheWholeName() {
        let service = "inventory-reservation-and-allocation-service-for-warehouses"  // 59 characters
        let set = "shanghai-pudong-data-centre-a-rack-r1"
        let name = KubernetesNames.join([service, set], limit: KubernetesNames.workloadLimit)
        #expect(name.utf8.count == KubernetesNames.workloadLimit)
        #expect(DeployFixture.isDNSLabel(name))
        #expect(name.hasPrefix("inventory-reservation-and-allocation-"))
        #expect(name.hasSuffix("-" + KubernetesNames.hash(service + "-" + set)))
        // Deterministic, and two names sharing the kept prefix still differ.
        #expect(KubernetesNames.join([service, set], limit: 52) == name)
        #expect(KubernetesNames.join([service, "shanghai-pudong-data-centre-a-rack-r2"], limit: 52) != name)
        // A cut that would end in `-` drops it rather than doubling the separator.
        let dashed = KubernetesNames.fit(String(repeating: "ab-", count: 30), limit: 20)
        #expect(!dashed.contains("--") && DeployFixture.isDNSLabel(dashed) && dashed.utf8.count <= 20)
    }

    @Test func theHashIsStableFNV1a() {
        #expect(KubernetesNames.hash("") == "811c9dc5")
        #expect(KubernetesNames.hash("a") == "e40c292c")
        #expect(KubernetesNames.hash("orders-sh-a").utf8.count == 8)
    }

    /// A spec with 63-character names (the language's limit): every generated object name, label
    /// value and hostname fits, StatefulSets leave room for their revision-hash label, and two
    /// builds name everything alike.
    @Test func maximalSpecNamesProduceValidObjects() throws {
        let service = "s" + String(repeating: "x", count: 61) + "1"
        let other = "s" + String(repeating: "x", count: 61) + "2"
        let gateway = "g" + String(repeating: "y", count: 62)
        let idc = "d" + String(repeating: "z", count: 61) + "a"
        let idc2 = "d" + String(repeating: "z", count: 61) + "b"
        let store = "t" + String(repeating: "w", count: 62)
        let text = """
            architecture \(String(repeating: "n", count: 63)) {
              topology { region east { city sh { idc \(idc) { racks 2 }; idc \(idc2) { racks 2 } } } }
              sets { stripe idc; route header "x-user-id" hash; failover nearest }
              gateway \(gateway) { replicas 2 per set; auth none; route "/a" -> \(service); route "/b" -> \(other) }
              discovery { mode registry; engine etcd; replicas 3 per set }
              service \(service) {
                stateful
                key "x-user-id"
                replicas 2 per set
                endpoint get GET "/a/{id}" { budget 100ms; call \(other).get timeout 20ms; read \(store) }
              }
              service \(other) {
                scale 2..4 per set cpu 60%
                endpoint get GET "/b/{id}" { budget 50ms }
              }
              store \(store) { engine redis; consistency eventual; replicas 2 per set; replication async }
            }

            """
        let output = try DeployFixture.build(text: text)
        let objects = output.objects.filter { $0.kind != "Kustomization" }
        #expect(objects.contains { $0.kind == "StatefulSet" && $0.appName == service })
        var names: Set<String> = []
        for object in objects {
            #expect(DeployFixture.isDNSLabel(object.name), "\(object.kind) \(object.name)")
            #expect(names.insert(object.kind + "/" + object.name).inserted, "duplicate \(object.kind) \(object.name)")
            if object.kind == "StatefulSet" { #expect(object.name.utf8.count <= 52, "\(object.name)") }
            for (key, value) in object.labels.merging(object.podLabels, uniquingKeysWith: { a, _ in a }) {
                #expect(value.utf8.count <= 63, "\(object.name): \(key)=\(value)")
            }
        }
        // The two services' long names differ only at the end; their objects must not collide.
        let workloads = objects.filter(\.isWorkload).filter { $0.component == "service" }.map(\.name)
        #expect(Set(workloads).count == 2 * output.architecture.sets.count)
        #expect(try DeployFixture.build(text: text).artifacts == output.artifacts)
    }

    /// Names that would collide in the namespace are refused, not silently merged.
    @Test func collidingNamesAreRefused() throws {
        let text = """
            architecture clash {
              topology { region east { city sh { idc a { racks 2 }; idc b-c { racks 2 } } } }
              sets { set b-c in b-c; set c in a; route header "x" hash; failover nearest }
              gateway edge { replicas 1 per set; auth none; route "/p" -> a }
              service a { replicas 1 per set; endpoint p GET "/p" { budget 10ms } }
              service a-b { replicas 1 per set; endpoint q GET "/q" { budget 10ms } }
            }

            """
        #expect(throws: GenerationError.self) { try DeployFixture.build(text: text) }
    }
}
