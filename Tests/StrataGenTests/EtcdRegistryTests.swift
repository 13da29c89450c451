import Foundation
import Testing
import Yams
import StrataModel
import StrataAnalysis
@testable import StrataGen

/// The etcd registry output: member configurations, start script and key layout. (A real etcd cluster is
/// started from it by scripts/ci.d/20-gateways.sh.)
@Suite struct EtcdRegistryTests {
    typealias Support = GatewayTestSupport

    static func config(_ artifacts: [Artifact], _ path: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: try Support.text(artifacts, path)) as? [String: Any])
    }

    @Test func shopIsOneClusterOfThreeMembersOnTheLocalPorts() throws {
        let artifacts = try Support.build("specs/shop.strata", targets: [.registry])
        #expect(artifacts.map(\.path).sorted() == ["registry/etcd/etcd-1.conf.yaml", "registry/etcd/etcd-2.conf.yaml", "registry/etcd/etcd-3.conf.yaml",
                                                   "registry/etcd/layout.md", "registry/etcd/start.sh"])
        let cluster = "etcd-1=http://127.0.0.1:23791,etcd-2=http://127.0.0.1:23793,etcd-3=http://127.0.0.1:23795"
        for n in 1...3 {
            let config = try Self.config(artifacts, "registry/etcd/etcd-\(n).conf.yaml")
            let client = 23790 + 2 * (n - 1)
            #expect(config["name"] as? String == "etcd-\(n)")
            #expect(config["data-dir"] as? String == "etcd-\(n).etcd")
            #expect(config["listen-client-urls"] as? String == "http://127.0.0.1:\(client)")
            #expect(config["advertise-client-urls"] as? String == "http://127.0.0.1:\(client)")
            #expect(config["listen-peer-urls"] as? String == "http://127.0.0.1:\(client + 1)")
            #expect(config["initial-cluster"] as? String == cluster)
            #expect(config["initial-cluster-token"] as? String == "strata-shop")
            #expect(config["initial-cluster-state"] as? String == "new")
        }
        let script = try #require(artifacts.first { $0.path == "registry/etcd/start.sh" })
        #expect(script.executable)
        let text = String(decoding: script.contents, as: UTF8.self)
        #expect(text.contains("members=(\n  'etcd-1'\n  'etcd-2'\n  'etcd-3'\n)\n"))
        #expect(text.contains("'shared by every set: STRATA_ETCD_ENDPOINTS=http://127.0.0.1:23790,http://127.0.0.1:23792,http://127.0.0.1:23794'"))
    }

    @Test func layoutListsEveryInstanceKeyAndValue() throws {
        let layout = try Support.text(try Support.build("specs/shop.strata", targets: [.registry]), "registry/etcd/layout.md")
        #expect(layout.contains("    /strata/<architecture>/<service>/<set>/<instance>"))
        #expect(layout.contains(#"| `/strata/shop/orders/sh-a/orders-sh-a-1` | `{"host":"127.0.0.1","instance":"orders-sh-a-1","port":20000,"set":"sh-a"}` |"#))
        #expect(layout.contains(#"| `/strata/shop/users/hz-a/users-hz-a-2` | `{"host":"127.0.0.1","instance":"users-hz-a-2","port":20014,"set":"hz-a"}` |"#))
        #expect(layout.contains("STRATA_LEASE_TTL"))
    }

    @Test func aRegistryPlacedPerSetIsOneClusterPerSet() throws {
        let artifacts = try Support.build("specs/hr.strata", targets: [.registry])
        let eu = try Self.config(artifacts, "registry/etcd/etcd-eu-2.conf.yaml")
        #expect(eu["initial-cluster"] as? String == "etcd-eu-1=http://127.0.0.1:23791,etcd-eu-2=http://127.0.0.1:23793,etcd-eu-3=http://127.0.0.1:23795")
        #expect(eu["initial-cluster-token"] as? String == "strata-hr-eu")
        let us = try Self.config(artifacts, "registry/etcd/etcd-us-1.conf.yaml")
        #expect(us["initial-cluster"] as? String == "etcd-us-1=http://127.0.0.1:23797,etcd-us-2=http://127.0.0.1:23799,etcd-us-3=http://127.0.0.1:23801")
        #expect(us["listen-client-urls"] as? String == "http://127.0.0.1:23796")
        let layout = try Support.text(artifacts, "registry/etcd/layout.md")
        #expect(layout.contains("- set `us`: `STRATA_ETCD_ENDPOINTS=http://127.0.0.1:23796,http://127.0.0.1:23798,http://127.0.0.1:23800`"))
    }

    @Test func meshesAndSpecsWithoutDiscoveryHaveNoRegistry() throws {
        #expect(try Support.build("specs/sessions.strata", targets: [.registry]).isEmpty)
        let gateway = "gateway g {\n    replicas 1 per set\n    auth none\n    route \"/s\" -> s\n  }"
        let services = "service s {\n    replicas 1 per set\n    endpoint get GET \"/s\" { budget 50ms }\n  }"
        #expect(try Support.build(text: Support.spec(gateway: gateway, services: services, discovery: "mode mesh"), targets: [.registry]).isEmpty)
    }

    /// The etcd emitter of a small spec with three members.
    static func emitter(header: String, templates: TemplateSource) throws -> EtcdRegistryEmitter {
        let architecture = try #require(Compiler.compile(text: Support.spec(gateway: "", services: "")).architecture)
        let plan = BuildPlan.make(ArchitectureAnalyses(architecture))
        return EtcdRegistryEmitter(architecture: architecture, members: plan.etcdMembers, instances: plan.instances, header: header, templates: templates)
    }

    @Test func shellValuesAreSingleQuoted() throws {
        #expect(ShellText.quote("a b") == "'a b'")
        #expect(ShellText.quote("it's $(x) `y` ${z}") == #"'it'\''s $(x) `y` ${z}'"#)
        let nasty = try Self.emitter(header: "x\n rm -rf /", templates: .standard(overrideDirectory: nil))
        let script = try nasty.startScript(nasty.clusters())
        #expect(script.hasPrefix("#!/usr/bin/env bash\n# x\\n rm -rf /\n"))
        #expect(script.contains("architecture='t'\n"))
    }

    /// `start.sh` comes from a template, so `--templates DIR` replaces it like any other.
    @Test func startScriptTemplateCanBeOverridden() throws {
        let override = TemplateSource(overrideDirectory: "/custom", embedded: EmbeddedTemplates.all) { path in
            path == "/custom/" + EtcdRegistryEmitter.startScriptTemplate ? "#!/bin/sh\n# {{{header}}}\necho {{#members}}{{{.}}} {{/members}}\n" : nil
        }
        let emitter = try Self.emitter(header: "h", templates: override)
        #expect(try emitter.startScript(emitter.clusters()) == "#!/bin/sh\n# h\necho 'etcd-1' 'etcd-2' 'etcd-3' \n")
    }
}
