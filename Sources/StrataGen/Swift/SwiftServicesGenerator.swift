import Foundation
import StrataModel

/// The `swift` target: `services/`, one SwiftPM package with the `StrataRuntime` library, a `Services`
/// library holding every service's endpoints (generated under `Generated/`) and the handler hooks the
/// user owns, one executable per service (one for `style monolith`) and in-process tests.
public struct SwiftServicesGenerator: Generator {
    public var target: BuildTarget { .swift }

    public init() {}

    /// Root folder of the package in the build output.
    public static let root = "services"

    public func generate(_ input: GenerationInput) throws -> [Artifact] {
        let plan = try ServicesPlan(input.architecture)
        let renderer = TemplateRenderer(templates: input.templates)
        let common = commonContext(input)
        var artifacts: [Artifact] = []
        func emit(_ path: String, _ template: String, _ context: [String: Any], ownership: Ownership = .generated) throws {
            let text = try renderer.render(template, context.merging(common) { own, _ in own })
            artifacts.append(Artifact(path: SwiftServicesGenerator.root + "/" + path, contents: text, ownership: ownership))
        }

        try emit("Package.swift", "swift/package/Package.swift.mustache", [
            "packageName": SwiftSource.stringLiteral(input.architecture.name + "-services"),
            "executables": plan.executables.map { ["product": SwiftSource.stringLiteral($0.product), "target": SwiftSource.stringLiteral($0.target)] },
        ])
        try emit("README.md", "swift/package/README.md.mustache", readmeContext(input, plan))
        try emit(".gitignore", "swift/package/gitignore.mustache", [:])
        artifacts.append(Artifact(path: SwiftServicesGenerator.root + "/" + EndpointManifest.path,
                                  contents: try EndpointManifest.json(input.analyses, plan: plan, header: input.header)))
        for name in input.templates.names where name.hasPrefix(TemplateRenderer.runtimePrefix) && name.hasSuffix(".swift.mustache") {
            let file = String(name.dropFirst(TemplateRenderer.runtimePrefix.count).dropLast(".mustache".count))
            try emit("Sources/StrataRuntime/Generated/" + file, name, [:])
        }
        try emit("Tests/ServicesTests/Generated/RuntimeTests.swift", "swift/tests/RuntimeTests.swift.mustache", [:])
        try emit("Sources/Services/Generated/ServiceCatalog.swift", "swift/services/ServiceCatalog.swift.mustache", catalogContext(input.architecture, plan, instances: input.plan.instances))
        for service in plan.services {
            let context = try serviceContext(service, plan: plan, input: input)
            try emit("Sources/Services/Generated/\(service.typeName).swift", "swift/services/Service.swift.mustache", context)
            try emit("Sources/Services/\(service.handlersType).swift", "swift/services/Handlers.swift.mustache", context, ownership: .userOwned)
            try emit("Tests/ServicesTests/Generated/\(service.typeName)Tests.swift", "swift/services/ServiceTests.swift.mustache", context)
        }
        for executable in plan.executables {
            var context: [String: Any] = ["monolith": executable.monolith]
            if let service = executable.service {
                context["serviceLiteral"] = SwiftSource.stringLiteral(service.model.name)
                context["typeName"] = service.typeName
            }
            try emit("Sources/\(executable.target)/Generated/main.swift", "swift/services/main.swift.mustache", context)
        }
        return artifacts
    }

    private func commonContext(_ input: GenerationInput) -> [String: Any] {
        typealias Env = RuntimeContract.Environment
        return [
            "header": SwiftSource.comment(input.header),
            "spec": SwiftSource.comment(input.specPath),
            "env": [
                "architecture": Env.architecture, "service": Env.service, "set": Env.set, "instance": Env.instance,
                "host": Env.host, "advertiseHost": Env.advertiseHost, "port": Env.port,
                "etcdEndpoints": Env.etcdEndpoints, "leaseTTL": Env.leaseTTL, "drainSeconds": Env.drainSeconds,
            ],
            "containerPort": String(RuntimeContract.containerPort),
            "healthPath": RuntimeContract.healthPath,
            "readyPath": RuntimeContract.readyPath,
            "metricsPath": RuntimeContract.metricsPath,
        ]
    }

    private func serviceContext(_ service: ServicesPlan.ServicePlan, plan: ServicesPlan, input: GenerationInput) throws -> [String: Any] {
        let architecture = input.architecture
        let model = service.model
        let testSet = model.placement.isStriped ? architecture.sets.first?.name : nil
        var endpoints: [[String: Any]] = []
        for endpoint in model.endpoints {
            let writer = EndpointStepsWriter(architecture: architecture, service: model, endpoint: endpoint) { kind, store in
                service.storeHookName(kind, store)
            }
            var calls: [String] = []
            var stores: [String] = []
            collect(endpoint.steps, calls: &calls, stores: &stores)
            let pascal = Names.pascalCase(endpoint.name)
            endpoints.append([
                "doc": "\(SwiftSource.code(model.name + "." + endpoint.name)) (\(SwiftSource.code(endpoint.method.rawValue + " " + endpoint.path)))",
                "nameLiteral": SwiftSource.stringLiteral(endpoint.name),
                "methodLiteral": SwiftSource.stringLiteral(endpoint.method.rawValue),
                "methodCase": "." + endpoint.method.rawValue.lowercased(),
                "isHead": endpoint.method == .HEAD,
                "pathLiteral": SwiftSource.stringLiteral(endpoint.path),
                "uriLiteral": SwiftSource.stringLiteral(ServicesPlan.samplePath(endpoint.path)),
                // Prefixed, so never a keyword; identifier() keeps that true if the prefixes change.
                "serveName": SwiftSource.identifier("serve" + pascal),
                "handleName": SwiftSource.identifier("handle" + pascal),
                "testName": SwiftSource.identifier("endpoint" + pascal),
                "body": try writer.write(depth: 3),
                "callsLiteral": calls.isEmpty ? "[String]()" : SwiftSource.arrayLiteral(calls),
                "storesLiteral": stores.isEmpty ? "[String]()" : SwiftSource.arrayLiteral(stores),
            ])
        }
        let storeHooks: [[String: Any]] = service.storeHooks.map { hook in
            let engine = architecture.store(hook.store).map { " (\(SwiftSource.comment($0.engine)))" } ?? ""
            let users = hook.endpoints.map { SwiftSource.code($0) }.joined(separator: ", ")
            return [
                "name": SwiftSource.identifier(hook.name),
                "doc": "\(SwiftSource.code(hook.kind.rawValue + " " + hook.store))\(engine), in \(users).",
            ]
        }
        return [
            "serviceDoc": SwiftSource.code(model.name),
            "serviceLiteral": SwiftSource.stringLiteral(model.name),
            "setLiteral": SwiftSource.optionalLiteral(testSet),
            "typeName": service.typeName,
            "hooksProtocol": service.hooksProtocol,
            "handlersType": service.handlersType,
            "storeHooks": storeHooks,
            "endpoints": endpoints,
        ]
    }

    private func collect(_ steps: [Step], calls: inout [String], stores: inout [String]) {
        for step in steps {
            switch step {
            case .work: break
            case .call(let call): calls.append("\(call.service).\(call.endpoint)")
            case .read(let access), .write(let access): stores.append(access.store)
            case .parallel(let inner, _): collect(inner, calls: &calls, stores: &stores)
            }
        }
    }

    private func catalogContext(_ architecture: Architecture, _ plan: ServicesPlan, instances: [BuildPlan.ServiceInstance]) -> [String: Any] {
        var peers = SwiftCodeWriter(depth: 2)
        let staticPeers = plan.staticPeers(architecture, instances: instances)
        if staticPeers.isEmpty {
            peers.line("[:]")
        } else {
            peers.block("[", "]") { w in
                for (service, instances) in staticPeers {
                    w.block("\(SwiftSource.stringLiteral(service)): [", "],") { w in
                        for peer in instances {
                            w.line("PeerInstance(host: \(SwiftSource.stringLiteral(peer.host)), port: \(peer.port), "
                                + "set: \(SwiftSource.optionalLiteral(peer.set)), instance: \(SwiftSource.stringLiteral(peer.instance))),")
                        }
                    }
                }
            }
        }
        var failover = SwiftCodeWriter(depth: 2)
        let order = plan.failoverOrder(architecture)
        if order.isEmpty {
            failover.line("[:]")
        } else {
            failover.block("[", "]") { w in
                for (set, others) in order {
                    w.line("\(SwiftSource.stringLiteral(set)): \(others.isEmpty ? "[]" : SwiftSource.arrayLiteral(others)),")
                }
            }
        }
        func trimmed(_ writer: SwiftCodeWriter) -> String {
            String(writer.text.drop { $0 == " " })
        }
        return [
            "architectureDoc": SwiftSource.code(architecture.name),
            "architectureLiteral": SwiftSource.stringLiteral(architecture.name),
            "setsLiteral": architecture.sets.isEmpty ? "[]" : SwiftSource.arrayLiteral(architecture.sets.map(\.name)),
            "failoverLiteral": trimmed(failover),
            "forwardedHeadersLiteral": plan.forwardedHeaders.isEmpty ? "[]" : SwiftSource.arrayLiteral(plan.forwardedHeaders),
            "staticPeersLiteral": trimmed(peers),
            "servicesLiteral": plan.services.isEmpty ? "[]" : SwiftSource.arrayLiteral(plan.services.map(\.model.name)),
            "services": plan.services.map { ["literal": SwiftSource.stringLiteral($0.model.name), "typeName": $0.typeName] },
        ]
    }

    private func readmeContext(_ input: GenerationInput, _ plan: ServicesPlan) -> [String: Any] {
        [
            "architecture": input.architecture.name,
            "monolith": input.architecture.style == .monolith,
            "executables": plan.executables.map { ["product": $0.product] },
            "services": plan.services.map { ["name": $0.model.name, "handlersType": $0.handlersType] },
            "firstProduct": plan.executables.first?.product ?? "",
        ]
    }
}
