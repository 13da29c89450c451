import StrataDiagnostics

/// Failure-domain levels, from smallest to largest. `global` is the synthetic
/// root that holds every region; it is never lost in a failure simulation.
public enum DomainLevel: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    case machine = 0, rack, idc, city, region, global

    public static func < (a: DomainLevel, b: DomainLevel) -> Bool { a.rawValue < b.rawValue }

    /// The keyword used in specs (`machine`, `rack`, `idc`, `city`, `region`).
    public var description: String {
        switch self {
        case .machine: "machine"
        case .rack: "rack"
        case .idc: "idc"
        case .city: "city"
        case .region: "region"
        case .global: "global"
        }
    }

    /// The plural used in messages: `machines`, `racks`, `idcs`, `cities`, `regions`.
    public var plural: String { self == .city ? "cities" : "\(description)s" }

    /// Levels a spec may name (everything but `global`).
    public static let named: [DomainLevel] = [.machine, .rack, .idc, .city, .region]

    /// Parses a spec keyword.
    public init?(keyword: String) {
        guard let level = DomainLevel.named.first(where: { $0.description == keyword }) else { return nil }
        self = level
    }
}

/// Index of a domain in ``Topology/domains``.
public struct DomainID: Hashable, Comparable, Sendable {
    public let index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: DomainID, b: DomainID) -> Bool { a.index < b.index }
}

/// One failure domain: a region, city, IDC, rack or machine.
public struct Domain: Sendable {
    public let id: DomainID
    public let name: String
    public let level: DomainLevel
    public let parent: DomainID?
    public internal(set) var children: [DomainID]
    /// Where the domain is declared (for racks and machines generated from a count: the count statement).
    public let span: Span?
    /// For racks: the declared machine count, or nil when unlimited (every instance gets its own machine).
    public let machineCount: Int?
}

/// Round-trip latency settings of the topology, in milliseconds.
public struct LatencySettings: Sendable {
    /// RTT between two distinct domains whose lowest common ancestor is one level above `level`
    /// (e.g. `.rack`: two racks of one IDC). `.machine` is the RTT between machines of one rack.
    public var perLevel: [DomainLevel: Double]
    /// Explicit overrides between two named domains (`shanghai <-> shenzhen 28ms`).
    public var overrides: [DomainPair: Double]

    public static let defaults: [DomainLevel: Double] = [.machine: 0.05, .rack: 0.2, .idc: 1, .city: 5, .region: 40]
}

/// An unordered pair of domains.
public struct DomainPair: Hashable, Sendable {
    public let a: DomainID
    public let b: DomainID
    public init(_ x: DomainID, _ y: DomainID) {
        a = min(x, y)
        b = max(x, y)
    }
}

/// Where a spec value was written, for diagnostics.
public struct Located<Value: Sendable>: Sendable {
    public let value: Value
    public let span: Span
    public init(_ value: Value, _ span: Span) {
        self.value = value
        self.span = span
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

/// `allow RULE "reason"`: suppresses one checker rule for the block it is written in.
public struct Allow: Hashable, Sendable {
    public let rule: String
    public let reason: String
    public let span: Span
}

/// One set: a copy of the logic layer pinned to one domain.
public struct SetDefinition: Sendable {
    public let name: String
    public let domain: DomainID
    public let span: Span?
}

/// How the access layer assigns a request to a set.
public enum SetRouting: Hashable, Sendable {
    case headerHash(String)
    case cookie(String)
}

/// What happens to a lost set's traffic.
public enum Failover: String, Sendable {
    case nearest, none
}

/// The striping of the logic layer.
public struct Striping: Sendable {
    /// True when the spec has a `sets` block; otherwise there is one implicit set `main`.
    public let declared: Bool
    /// `stripe LEVEL`, when striping by level.
    public let stripeLevel: DomainLevel?
    public let sets: [SetDefinition]
    public let routing: SetRouting?
    public let failover: Failover
    public let allows: [Allow]
}

/// A CDN rule of the access layer.
public struct CDNRule: Sendable {
    public let path: String
    public let ttlMilliseconds: Double?
    public let span: Span
}

/// The access layer in front of the gateways.
public struct AccessLayer: Sendable {
    public let regionalNearest: Bool
    public let cdn: [CDNRule]
    public let span: Span?
    public let allows: [Allow]
}

/// Component kinds: every placed thing in an architecture.
public enum ComponentKind: String, Hashable, Comparable, Sendable {
    case registry, gateway, service, store

    public static func < (a: ComponentKind, b: ComponentKind) -> Bool {
        order(a) < order(b)
    }
    private static func order(_ k: ComponentKind) -> Int {
        switch k {
        case .registry: 0
        case .gateway: 1
        case .service: 2
        case .store: 3
        }
    }
}

/// Names a component. The registry's name is `registry`.
public struct ComponentID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let kind: ComponentKind
    public let name: String
    public init(_ kind: ComponentKind, _ name: String) {
        self.kind = kind
        self.name = name
    }
    public static func < (a: ComponentID, b: ComponentID) -> Bool { (a.kind, a.name) < (b.kind, b.name) }
    public var description: String { "\(kind.rawValue) \(name)" }
}

/// Where a component's instances go.
public struct Placement: Sendable {
    public enum Mode: Hashable, Sendable {
        /// `replicas N per set`: N in every set (striped).
        case perSet
        /// `replicas N across LEVEL [in DOMAIN]`: N in total, round-robin over the domains of LEVEL.
        case across(DomainLevel, within: DomainID?)
        /// `replicas N in DOMAIN`: N in total inside one domain.
        case inside(DomainID)
    }
    public let count: Int
    public let mode: Mode
    public let span: Span

    /// True for `per set` placements: the component serves its own set.
    public var isStriped: Bool { mode == .perSet }
}

/// Autoscaling range of a service (`scale 3..12 per set cpu 70%`); its placement uses `min`.
public struct Autoscale: Sendable {
    public let min: Int
    public let max: Int
    public let cpuPercent: Double
    public let span: Span
}

public enum GatewayEngine: String, Sendable { case envoy, nginx }
public enum AuthMode: String, Sendable { case jwt, apiKey = "api-key", none }

/// `route "PREFIX" -> SERVICE { timeout D retries N }`.
public struct GatewayRoute: Sendable {
    public let prefix: String
    public let service: String
    public let serviceSpan: Span
    public let timeoutMilliseconds: Double?
    public let retries: Int
    public let span: Span
}

/// A business gateway.
public struct Gateway: Sendable {
    public let name: String
    public let span: Span
    public let engine: GatewayEngine
    public let placement: Placement
    public let auth: Located<AuthMode>?
    public let rateLimitPerSecond: Double?
    public let routes: [GatewayRoute]
    public let allows: [Allow]
}

public enum DiscoveryMode: String, Sendable { case registry, mesh }
public enum DiscoveryEngine: String, Sendable { case etcd, consul, envoy }

/// Service discovery. A registry is a placed component (``ComponentID`` `registry registry`).
public struct Discovery: Sendable {
    public let mode: DiscoveryMode
    public let engine: DiscoveryEngine
    public let placement: Placement?
    public let span: Span
    public let allows: [Allow]
}

public enum CAPClaim: String, Sendable { case ap, cp }
public enum HTTPMethod: String, CaseIterable, Sendable { case GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS }

/// `call SERVICE.ENDPOINT [timeout D] [retries N] [optional] [async]`.
public struct Call: Sendable {
    public let service: String
    public let endpoint: String
    public let timeoutMilliseconds: Double
    public let timeoutDeclared: Bool
    public let retries: Int
    public let optional: Bool
    public let async: Bool
    public let span: Span
    /// True unless `optional` or `async`: a failure of the callee fails the caller.
    public var isHard: Bool { !optional && !async }
}

/// `read STORE [local]` or `write STORE`.
public struct StoreAccess: Sendable {
    public let store: String
    public let local: Bool
    public let span: Span
}

/// One step of an endpoint, run in written order.
public indirect enum Step: Sendable {
    case work(milliseconds: Double, span: Span)
    case call(Call)
    case read(StoreAccess)
    case write(StoreAccess)
    case parallel([Step], span: Span)
}

/// An endpoint of a service.
public struct Endpoint: Sendable {
    public let name: String
    public let service: String
    public let method: HTTPMethod
    public let path: String
    public let span: Span
    public let budgetMilliseconds: Located<Double>?
    public let idempotent: Bool
    public let slo: Located<Double>?
    public let steps: [Step]
    public let allows: [Allow]
}

/// A service: a placed set of identical instances serving endpoints.
public struct Service: Sendable {
    public let name: String
    public let span: Span
    public let stateful: Bool
    public let key: Located<String>?
    public let cap: Located<CAPClaim>?
    public let placement: Placement
    public let autoscale: Autoscale?
    public let capacityPerSecond: Located<Double>?
    public let loadPerSecond: Located<Double>?
    public let endpoints: [Endpoint]
    public let allows: [Allow]

    public func endpoint(_ name: String) -> Endpoint? { endpoints.first { $0.name == name } }
}

public enum Consistency: Hashable, Sendable {
    case strong, session, eventual
    case bounded(milliseconds: Double)
}
public enum Replication: String, Sendable { case sync, async }

/// A data store.
public struct Store: Sendable {
    public let name: String
    public let span: Span
    public let engine: String
    public let consistency: Located<Consistency>
    public let placement: Placement
    public let replication: Located<Replication>
    /// Read and write quorum; defaults applied (majority for sync, 1 for async).
    public let readQuorum: Int
    public let writeQuorum: Int
    public let quorumSpan: Span?
    public let leader: Located<DomainID>?
    public let shards: Int?
    public let shardKey: String?
    public let proxy: Bool
    public let allows: [Allow]

    /// True when writes or reads need a quorum of voters (strong consistency or sync replication).
    public var needsQuorum: Bool { consistency.value == .strong || replication.value == .sync }
}

/// One placed copy of a component.
public struct Instance: Hashable, Sendable {
    public let component: ComponentID
    /// 0-based index among the component's instances (placement order).
    public let index: Int
    /// The set this instance serves, for striped components; nil when shared by all sets.
    public let set: Int?
    /// The machine it runs on; its ancestors give rack, IDC, city and region.
    public let machine: DomainID
}

public enum ArchitectureStyle: String, Sendable { case microservices, monolith }
