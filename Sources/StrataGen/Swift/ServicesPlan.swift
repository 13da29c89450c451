import StrataModel

/// Swift names for everything the services package declares, checked for collisions, plus the
/// architecture facts the runtime needs (failover order, forwarded headers, loopback instances).
struct ServicesPlan {
    /// One service's Swift names.
    struct ServicePlan {
        let model: Service
        let typeName: String
        let hooksProtocol: String
        let handlersType: String
        let storeHooks: [StoreHook]

        func storeHookName(_ kind: EndpointStepsWriter.StoreAccessKind, _ store: String) -> String {
            storeHooks.first { $0.kind == kind && $0.store == store }?.name ?? kind.rawValue + Names.pascalCase(store)
        }
    }

    /// A `read` or `write` of one store by a service: one hook, shared by its endpoints.
    struct StoreHook {
        let kind: EndpointStepsWriter.StoreAccessKind
        let store: String
        let name: String
        var endpoints: [String]
    }

    /// An executable product.
    struct Executable {
        let product: String
        let target: String
        /// The service it serves; nil for the monolith, which serves them all.
        let service: ServicePlan?
        var monolith: Bool { service == nil }
    }

    let services: [ServicePlan]
    let executables: [Executable]
    let forwardedHeaders: [String]

    init(_ architecture: Architecture) throws {
        var typeNames: [String: String] = [:]
        var services: [ServicePlan] = []
        for service in architecture.services {
            let pascal = Names.pascalCase(service.name)
            if let other = typeNames[pascal] {
                throw GenerationError("services \(other) and \(service.name) both become the Swift name \(pascal); rename one")
            }
            typeNames[pascal] = service.name
            var endpointNames: [String: String] = [:]
            var routes: [String: String] = [:]
            for endpoint in service.endpoints {
                let name = Names.pascalCase(endpoint.name)
                if let other = endpointNames[name] {
                    throw GenerationError("endpoints \(service.name).\(other) and \(service.name).\(endpoint.name) both become the Swift name \(name); rename one")
                }
                endpointNames[name] = endpoint.name
                let route = "\(endpoint.method.rawValue) \(endpoint.path)"
                if let other = routes[route] {
                    throw GenerationError("endpoints \(service.name).\(other) and \(service.name).\(endpoint.name) are both \(route)")
                }
                routes[route] = endpoint.name
            }
            services.append(ServicePlan(model: service, typeName: pascal + "Service", hooksProtocol: pascal + "Hooks",
                                        handlersType: pascal + "Handlers", storeHooks: try ServicesPlan.storeHooks(of: service)))
        }
        self.services = services

        let products = ServicesPlan.productNames(architecture)
        if architecture.style == .monolith {
            var routes: [String: String] = [:]
            for service in architecture.services {
                for endpoint in service.endpoints {
                    let route = "\(endpoint.method.rawValue) \(endpoint.path)"
                    if let other = routes[route] {
                        throw GenerationError("a monolith serves every endpoint on one router, but \(other) and \(service.name).\(endpoint.name) are both \(route)")
                    }
                    routes[route] = "\(service.name).\(endpoint.name)"
                }
            }
            executables = [Executable(product: products[0], target: Names.pascalCase(architecture.name) + "Monolith", service: nil)]
        } else {
            executables = zip(services, products).map { Executable(product: $1, target: Names.pascalCase($0.model.name) + "Server", service: $0) }
        }

        var headers: Set<String> = []
        switch architecture.striping.routing {
        case .headerHash(let name)?: headers.insert(name.lowercased())
        case .cookie?: headers.insert("cookie")
        case nil: break
        }
        for service in architecture.services {
            if let key = service.key?.value { headers.insert(key.lowercased()) }
        }
        forwardedHeaders = headers.sorted()
    }

    /// The executable products: one per service, named after it, or one named after the
    /// architecture for `style monolith`.
    static func productNames(_ architecture: Architecture) -> [String] {
        architecture.style == .monolith ? [architecture.name] : architecture.services.map(\.name)
    }

    private static func storeHooks(of service: Service) throws -> [StoreHook] {
        var hooks: [StoreHook] = []
        var names: [String: String] = [:]
        func visit(_ steps: [Step], endpoint: String) throws {
            for step in steps {
                let kind: EndpointStepsWriter.StoreAccessKind
                let access: StoreAccess
                switch step {
                case .read(let a): kind = .read; access = a
                case .write(let a): kind = .write; access = a
                case .parallel(let inner, _): try visit(inner, endpoint: endpoint); continue
                case .work, .call: continue
                }
                if let index = hooks.firstIndex(where: { $0.kind == kind && $0.store == access.store }) {
                    if !hooks[index].endpoints.contains(endpoint) { hooks[index].endpoints.append(endpoint) }
                    continue
                }
                let name = kind.rawValue + Names.pascalCase(access.store)
                if let other = names[name] {
                    throw GenerationError("stores \(other) and \(access.store) both become the Swift name \(name); rename one")
                }
                names[name] = access.store
                hooks.append(StoreHook(kind: kind, store: access.store, name: name, endpoints: [endpoint]))
            }
        }
        for endpoint in service.endpoints { try visit(endpoint.steps, endpoint: endpoint.name) }
        return hooks
    }

    /// For each set (declaration order), the other sets nearest first; empty lists under `failover none`.
    func failoverOrder(_ architecture: Architecture) -> [(String, [String])] {
        architecture.sets.indices.map { set in
            (architecture.sets[set].name, SetFailover.order(from: set, in: architecture).map { architecture.sets[$0].name })
        }
    }

    /// Every instance of every service on its loopback port (the build plan's), per service in declaration order.
    func staticPeers(_ architecture: Architecture, instances: [BuildPlan.ServiceInstance])
        -> [(String, [(host: String, port: Int, set: String?, instance: String)])] {
        architecture.services.map { service in
            (service.name, instances.filter { $0.service == service.name }.map { (LoopbackAddressing.host, $0.port, $0.set, $0.name) })
        }
    }

    /// A concrete path for a path template: every `{parameter}` becomes `1`.
    static func samplePath(_ template: String) -> String {
        var result = ""
        var inParameter = false
        for character in template {
            if character == "{" {
                inParameter = true
            } else if character == "}", inParameter {
                inParameter = false
                result += "1"
            } else if !inParameter {
                result.append(character)
            }
        }
        return result
    }
}
