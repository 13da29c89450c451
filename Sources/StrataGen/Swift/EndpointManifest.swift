import Foundation
import StrataAnalysis
import StrataModel

/// `services/strata-endpoints.json`: every endpoint of the package with its route, declared calls and
/// stores, the public endpoints per gateway route and the failover order, for tools that drive the
/// running services (the end-to-end test asserts each answer's path against it).
enum EndpointManifest {
    static let path = "strata-endpoints.json"

    static func json(_ analyses: ArchitectureAnalyses, plan: ServicesPlan, header: String) throws -> String {
        let architecture = analyses.architecture, graph = analyses.callGraph
        var services: [String: Any] = [:]
        for service in architecture.services {
            var endpoints: [String: Any] = [:]
            for endpoint in service.endpoints {
                var calls: [[String: Any]] = []
                var stores: [[String: Any]] = []
                collect(endpoint.steps, calls: &calls, stores: &stores)
                endpoints[endpoint.name] = [
                    "method": endpoint.method.rawValue, "path": endpoint.path,
                    "sample_path": ServicesPlan.samplePath(endpoint.path), "calls": calls, "stores": stores,
                ]
            }
            services[service.name] = ["striped": service.placement.isStriped, "endpoints": endpoints]
        }
        let publicEndpoints: [[String: Any]] = graph.publicEndpoints.map {
            ["gateway": $0.gateway, "prefix": $0.route.prefix, "service": $0.endpoint.service, "endpoint": $0.endpoint.endpoint]
        }
        var failover: [String: Any] = [:]
        for (set, others) in plan.failoverOrder(architecture) { failover[set] = others }
        var routingHeader: Any = NSNull()
        if case .headerHash(let name)? = architecture.striping.routing { routingHeader = name }
        let object: [String: Any] = [
            "generated_by": header,
            "architecture": architecture.name,
            "style": architecture.style.rawValue,
            "sets": architecture.sets.map(\.name),
            "failover": failover,
            "routing_header": routingHeader,
            "forwarded_headers": plan.forwardedHeaders,
            "services": services,
            "public": publicEndpoints,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func collect(_ steps: [Step], calls: inout [[String: Any]], stores: inout [[String: Any]]) {
        for step in steps {
            switch step {
            case .work: break
            case .call(let call):
                calls.append(["call": "\(call.service).\(call.endpoint)", "optional": call.optional, "async": call.async,
                              "timeout_ms": call.timeoutMilliseconds, "retries": call.retries])
            case .read(let access): stores.append(["store": access.store, "access": "read", "local": access.local])
            case .write(let access): stores.append(["store": access.store, "access": "write", "local": false])
            case .parallel(let inner, _): collect(inner, calls: &calls, stores: &stores)
            }
        }
    }
}
