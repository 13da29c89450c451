import StrataDiagnostics
import StrataSyntax

/// Checks names and cross-references once every declaration is known, so
/// declaration order never matters.
struct ReferenceChecker {
    let sink: DiagnosticSink

    /// Removes components whose name is taken (reporting them) and reports
    /// Swift-identifier collisions and unknown references.
    func check(gateways: inout [Gateway], services: inout [Service], stores: inout [Store]) {
        claimNames(gateways: &gateways, services: &services, stores: &stores)
        checkEndpointIdentifiers(services)
        checkReferences(gateways: gateways, services: services, stores: stores)
    }

    /// Gateways, services and stores share one namespace, and their Swift identifiers must differ:
    /// keeps the first of each name, reporting the others.
    private func claimNames(gateways: inout [Gateway], services: inout [Service], stores: inout [Store]) {
        var taken: [String: (kind: String, span: Span)] = [:]
        var identifiers: [String: (name: String, span: Span)] = [:]
        func claim(_ name: String, kind: String, span: Span) -> Bool {
            if let earlier = taken[name] {
                sink.emit(Catalogue.duplicateName, "`\(name)` is already declared as a \(earlier.kind)", at: span,
                          secondary: [Label(earlier.span, "first declared here")],
                          help: "gateways, services and stores share one namespace (they become Kubernetes names and hostnames)")
                return false
            }
            taken[name] = (kind, span)
            let identifier = Names.camelCase(name)
            if let other = identifiers[identifier] {
                sink.emit(Catalogue.identifierCollision, "`\(name)` and `\(other.name)` both become the Swift identifier `\(identifier)`", at: span,
                          secondary: [Label(other.span, "`\(other.name)` declared here")], help: "rename one of them")
                return false
            }
            identifiers[identifier] = (name, span)
            return true
        }
        gateways = gateways.filter { claim($0.name, kind: "gateway", span: $0.span) }
        services = services.filter { claim($0.name, kind: "service", span: $0.span) }
        stores = stores.filter { claim($0.name, kind: "store", span: $0.span) }
    }

    /// The endpoints of one service must become distinct Swift identifiers.
    private func checkEndpointIdentifiers(_ services: [Service]) {
        for service in services {
            var endpointIdentifiers: [String: Endpoint] = [:]
            for e in service.endpoints {
                let identifier = Names.camelCase(e.name)
                if let other = endpointIdentifiers[identifier] {
                    sink.emit(Catalogue.identifierCollision, "endpoints `\(e.name)` and `\(other.name)` both become the Swift identifier `\(identifier)`",
                              at: e.span, secondary: [Label(other.span, "`\(other.name)` declared here")], help: "rename one of them")
                }
                endpointIdentifiers[identifier] = e
            }
        }
    }

    /// Every route, call, read and write must name a declared service, endpoint or store.
    private func checkReferences(gateways: [Gateway], services: [Service], stores: [Store]) {
        let serviceNames = Dictionary(services.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let storeNames = Set(stores.map(\.name))
        let allServiceNames = services.map(\.name)
        let allStoreNames = stores.map(\.name)

        func serviceHelp(_ name: String) -> String? {
            if storeNames.contains(name) { return "`\(name)` is a store; read or write it instead" }
            return sink.closest(name, in: allServiceNames).map { "did you mean `\($0)`?" }
        }

        for gateway in gateways {
            for route in gateway.routes where serviceNames[route.service] == nil {
                sink.emit(Catalogue.unknownReference, "route \"\(route.prefix)\" points to `\(route.service)`, which is not a service", at: route.serviceSpan,
                          help: serviceHelp(route.service))
            }
        }
        for service in services {
            for endpoint in service.endpoints {
                forEachStep(endpoint.steps) { step in
                    switch step {
                    case .call(let call):
                        guard let callee = serviceNames[call.service] else {
                            sink.emit(Catalogue.unknownReference, "`\(call.service)` is not a service", at: call.span, help: serviceHelp(call.service))
                            return
                        }
                        if callee.endpoint(call.endpoint) == nil {
                            let names = callee.endpoints.map(\.name)
                            let hint = sink.closest(call.endpoint, in: names).map { "did you mean `\(call.service).\($0)`?" }
                                ?? (names.isEmpty ? "service `\(call.service)` declares no endpoints"
                                    : "service `\(call.service)` has " + names.map { "`\($0)`" }.joined(separator: ", "))
                            sink.emit(Catalogue.unknownReference, "service `\(call.service)` has no endpoint `\(call.endpoint)`", at: call.span,
                                      secondary: [Label(callee.span, "`\(call.service)` declared here")], help: hint)
                        }
                    case .read(let access), .write(let access):
                        if !storeNames.contains(access.store) {
                            let help = serviceNames[access.store] != nil ? "`\(access.store)` is a service; call one of its endpoints instead"
                                : sink.closest(access.store, in: allStoreNames).map { "did you mean `\($0)`?" }
                            sink.emit(Catalogue.unknownReference, "`\(access.store)` is not a store", at: access.span, help: help)
                        }
                    case .work, .parallel:
                        break
                    }
                }
            }
        }
    }
}

/// Visits every step, descending into `parallel` blocks.
public func forEachStep(_ steps: [Step], _ body: (Step) -> Void) {
    for step in steps {
        body(step)
        if case .parallel(let inner, _) = step { forEachStep(inner, body) }
    }
}
