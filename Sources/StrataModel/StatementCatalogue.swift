/// A kind of block whose statements the resolver reads. Option blocks (`latency { ... }`,
/// `availability { ... }`, `cdn { ... }`, a route's `{ timeout 900ms }`) hold options, not
/// statements; the statement that opens one documents its options in its usage.
public enum BlockKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// The top level of a spec file.
    case file
    case architecture, topology, region, city, idc, rack, sets, access, gateway, discovery, service, endpoint, parallel, store

    public var description: String { rawValue }
}

/// One statement of the language as `strata explain` and editor completion show it.
public struct StatementInfo: Hashable, Sendable {
    /// The statement's first word.
    public let keyword: String
    /// The block the statement is written in.
    public let block: BlockKind
    /// How the statement is written, e.g. `replicas N per set | replicas N across LEVEL [in DOMAIN] | replicas N in DOMAIN`;
    /// the "unexpected argument" error quotes it.
    public let usage: String
    /// A complete statement, e.g. `replicas 3 per set`, that resolves as written when the names it mentions exist.
    public let example: String
    /// What the statement means, in one line.
    public let summary: String
    /// The kind of the statement's own `{ ... }` when that block holds statements; nil when it takes none or an option block.
    public let opens: BlockKind?
}

/// The read-only catalogue of every statement, per block. The resolver dispatches through
/// the same tables, so the catalogue and what the resolver accepts cannot drift apart.
public enum StatementCatalogue {
    /// The statements `block` accepts, in the order the "unknown statement" error lists them.
    public static func statements(in block: BlockKind) -> [StatementInfo] {
        switch block {
        case .file: Resolver.table.infos
        case .architecture: ArchitectureBuilder.table.infos
        case .topology: TopologyBuilder.topologyTable.infos
        case .region: TopologyBuilder.regionTable.infos
        case .city: TopologyBuilder.cityTable.infos
        case .idc: TopologyBuilder.idcTable.infos
        case .rack: TopologyBuilder.rackTable.infos
        case .sets: SetsBuilder.table.infos
        case .access: AccessBuilder.table.infos
        case .gateway: ComponentBuilder.gatewayTable.infos
        case .discovery: ComponentBuilder.discoveryTable.infos
        case .service: ComponentBuilder.serviceTable.infos
        case .endpoint: ComponentBuilder.endpointTable.infos
        case .parallel: ComponentBuilder.parallelTable.infos
        case .store: ComponentBuilder.storeTable.infos
        }
    }

    /// Every statement spelled `keyword`, one per block that accepts it, in ``BlockKind`` order.
    public static func statement(named keyword: String) -> [StatementInfo] {
        all.filter { $0.keyword == keyword }
    }

    /// Every statement of every block, in ``BlockKind`` order.
    public static var all: [StatementInfo] { BlockKind.allCases.flatMap { statements(in: $0) } }
}
