import StrataDiagnostics

/// A resolved architecture: every name checked, units validated, defaults
/// applied and every component placed into concrete instances.
public struct Architecture: Sendable {
    public let name: String
    public let span: Span
    public let description: String?
    /// Availability target of public endpoints (0...1), when declared.
    public let slo: Located<Double>?
    /// The largest failure domain whose loss the system must survive.
    public let survive: DomainLevel
    public let surviveSpan: Span?
    public let style: ArchitectureStyle
    public let topology: Topology
    public let striping: Striping
    public let access: AccessLayer?
    public let discovery: Discovery?
    /// Gateways, services and stores in declaration order.
    public let gateways: [Gateway]
    public let services: [Service]
    public let stores: [Store]
    public let allows: [Allow]
    /// Every instance of every component, grouped by component, in placement order.
    public let instances: [ComponentID: [Instance]]

    public var sets: [SetDefinition] { striping.sets }

    public func service(_ name: String) -> Service? { serviceIndex[name].map { services[$0] } }
    public func store(_ name: String) -> Store? { storeIndex[name].map { stores[$0] } }
    public func gateway(_ name: String) -> Gateway? { gateways.first { $0.name == name } }

    /// Resolves `service.endpoint`.
    public func endpoint(_ service: String, _ endpoint: String) -> Endpoint? {
        self.service(service)?.endpoint(endpoint)
    }

    /// The placement of a component, if it is placed.
    public func placement(of id: ComponentID) -> Placement? {
        switch id.kind {
        case .registry: discovery?.placement
        case .gateway: gateway(id.name)?.placement
        case .service: service(id.name)?.placement
        case .store: store(id.name)?.placement
        }
    }

    /// Every placed component, in a canonical order (kind, then name).
    public var components: [ComponentID] { instances.keys.sorted() }

    let serviceIndex: [String: Int]
    let storeIndex: [String: Int]
}
