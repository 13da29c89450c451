import StrataModel

/// Where the topology's rows and columns fall on the scene's grid.
///
/// Rows are the access row and the tier rows of the two bands; a row takes as many lines as
/// its largest cell needs (cells wrap into about √(n/2) lines). Columns are the leaf domains
/// (and a set view's outside column); a column takes as many slots as its widest cell needs,
/// set groups side by side in the set band, shared cells over the whole column.
struct TopologyGrid {
    typealias NodeKey = TopologySceneBuilder.NodeKey

    /// The nodes of one tier row in one column, for one set (nil: shared).
    struct Cell: Hashable {
        let row: Int
        let column: Int
        let set: Int?
    }

    /// One set's nodes in one column.
    struct SetGroup: Hashable {
        let column: Int
        let set: Int
    }

    /// The members of every cell, callers before callees, then by name.
    private(set) var cells: [Cell: [NodeKey]] = [:]
    /// The clients and the CDN.
    private(set) var access: [NodeKey] = []
    private(set) var linesPerRow = Array(repeating: 0, count: TopologySceneBuilder.rowCount)
    private(set) var columnCount = 0
    private(set) var columnStart: [Int] = []
    private(set) var columnSlots: [Int] = []
    /// The slots of each set group, side by side within its column.
    private(set) var setGroupSlots: [SetGroup: ClosedRange<Int>] = [:]
    private(set) var slotCount = 1
    /// The lines of every row that has nodes.
    private(set) var rowLines: [ClosedRange<Int>?] = Array(repeating: nil, count: TopologySceneBuilder.rowCount)
    private(set) var lineCount = 0
    /// Gutters under a store row, which carry the replication channel.
    private(set) var replicationGutters: Set<Int> = []
    /// The lines of the set band, of the shared band, and of everything under the access row.
    private(set) var setLines: ClosedRange<Int>?
    private(set) var sharedLines: ClosedRange<Int>?
    private(set) var domainLines = 0...0

    init(keys: [NodeKey], build: TopologySceneBuild) {
        sortIntoCells(keys, build: build)
        assignSlots(build: build)
        assignLines()
    }

    /// The slots of a column.
    func slots(ofColumn col: Int) -> ClosedRange<Int> {
        columnStart[col]...(columnStart[col] + columnSlots[col] - 1)
    }

    /// The slots of the columns from `first` to `last`.
    func slots(ofColumns first: Int, _ last: Int) -> ClosedRange<Int> {
        columnStart[first]...(columnStart[last] + columnSlots[last] - 1)
    }

    private mutating func sortIntoCells(_ keys: [NodeKey], build: TopologySceneBuild) {
        for k in keys {
            guard case .group(let ci, let col, let set) = k else { access.append(k); continue }
            let row = 1 + (set == nil ? TopologySceneBuilder.tiersPerBand : 0) + build.builder.tier(build.components[ci])
            cells[Cell(row: row, column: col, set: set), default: []].append(k)
        }
        for k in cells.keys {
            cells[k] = cells[k]!.map { (build.sortKey($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        for (cell, members) in cells {
            linesPerRow[cell.row] = max(linesPerRow[cell.row], TopologySceneBuilder.lines(forLargestCell: members.count))
        }
        columnCount = build.leaves.count + (keys.contains { if case .group(_, let col, _) = $0 { col == build.outsideColumn } else { false } } ? 1 : 0)
    }

    /// Slots a cell of `members` nodes needs in `row`.
    private func slotsNeeded(_ members: Int, row: Int) -> Int { (members + linesPerRow[row] - 1) / linesPerRow[row] }

    /// Slots per column: set groups side by side in the set band, shared cells over the whole column.
    private mutating func assignSlots(build: TopologySceneBuild) {
        var next = 0
        for col in 0..<columnCount {
            var setNeeds: [Int: Int] = [:]
            var shared = 0
            for (cell, members) in cells where cell.column == col {
                if let s = cell.set { setNeeds[s] = max(setNeeds[s] ?? 1, slotsNeeded(members.count, row: cell.row)) } else { shared = max(shared, slotsNeeded(members.count, row: cell.row)) }
            }
            let order = setNeeds.keys.sorted { build.setOrder($0) < build.setOrder($1) }
            let total = max(order.reduce(0) { $0 + setNeeds[$1]! }, shared, 1)
            columnStart.append(next)
            columnSlots.append(total)
            var at = next
            for (i, s) in order.enumerated() {
                let width = i == order.count - 1 ? next + total - at : setNeeds[s]!
                setGroupSlots[SetGroup(column: col, set: s)] = at...(at + width - 1)
                at += width
            }
            next += total
        }
        slotCount = max(next, 1)
    }

    /// Lines: the access row, then the tier rows that have nodes.
    private mutating func assignLines() {
        var line = 0
        if !access.isEmpty {
            let n = (access.count + slotCount - 1) / slotCount
            rowLines[0] = 0...(n - 1)
            line = n
        }
        let band = TopologySceneBuilder.tiersPerBand
        for row in 1..<TopologySceneBuilder.rowCount where linesPerRow[row] > 0 {
            rowLines[row] = line...(line + linesPerRow[row] - 1)
            line += linesPerRow[row]
            if row - 1 == band - 1 || row - 1 == 2 * band - 1 {
                replicationGutters.insert(line)  // below a store row
            }
        }
        let firstDomainLine = rowLines[0].map { $0.upperBound + 1 } ?? 0
        if line == firstDomainLine { line += 1 }  // no components: one empty line so that the domains still show
        lineCount = line
        setLines = TopologyGrid.span(of: (1...band).compactMap { rowLines[$0] })
        sharedLines = TopologyGrid.span(of: ((band + 1)..<TopologySceneBuilder.rowCount).compactMap { rowLines[$0] })
        domainLines = firstDomainLine...(line - 1)
    }

    private static func span(of ranges: [ClosedRange<Int>]) -> ClosedRange<Int>? {
        guard let f = ranges.first, let l = ranges.last else { return nil }
        return f.lowerBound...l.upperBound
    }
}

// MARK: - Assembly

extension TopologySceneBuild {
    /// The scene: nodes on the grid, containers around them, edges between them, badges on them.
    func assemble(keys: [TopologySceneBuilder.NodeKey], drafts: EdgeDrafts) -> Scene {
        var scene = makeScene()
        let grid = TopologyGrid(keys: keys, build: self)
        scene.slotCount = grid.slotCount
        scene.lineCount = grid.lineCount
        scene.replicationGutters = grid.replicationGutters
        let nodeIndex = placeNodes(grid, in: &scene)
        let containers = TopologyContainers(build: self, grid: grid)
        scene.containers = containers.containers
        for draft in drafts.sorted(nodeID: nodeID) {
            guard let s = nodeIndex[draft.from], let t = nodeIndex[draft.to], s != t else { continue }
            scene.edges.append(SceneEdge(id: draft.id, style: draft.style,
                                         source: s, target: t, tooltip: draft.lines.joined(separator: "\n"), tag: nil))
        }
        attachFindings(to: &scene, nodeIndex: nodeIndex)
        let hasOutside = grid.columnCount > leaves.count
        scene.legendContainers = (containers.setBoxes.isEmpty ? [] : [.set]) + (hasOutside ? [.outside] : [])
        scene.summary = summary(of: scene, hasSetBoxes: !containers.setBoxes.isEmpty)
        return scene
    }

    /// Every node at its cell: the access row left to right, each cell row by row, so that
    /// callers (sorted first) sit above what they call. Returns the index of every node.
    private func placeNodes(_ grid: TopologyGrid, in scene: inout Scene) -> [TopologySceneBuilder.NodeKey: Int] {
        var nodeIndex: [TopologySceneBuilder.NodeKey: Int] = [:]
        for (i, k) in grid.access.enumerated() {
            var node = makeNode(k)
            node.slot = i % grid.slotCount
            node.line = grid.rowLines[0]!.lowerBound + i / grid.slotCount
            nodeIndex[k] = scene.nodes.count
            scene.nodes.append(node)
        }
        let cellOrder = grid.cells.keys.sorted { ($0.row, $0.column, setOrder($0.set ?? -1)) < ($1.row, $1.column, setOrder($1.set ?? -1)) }
        for cell in cellOrder {
            let members = grid.cells[cell]!
            let range = cell.set.flatMap { grid.setGroupSlots[TopologyGrid.SetGroup(column: cell.column, set: $0)] } ?? grid.slots(ofColumn: cell.column)
            let lines = grid.rowLines[cell.row]!
            let perLine = max(1, (members.count + lines.count - 1) / lines.count)
            for (i, k) in members.enumerated() {
                var node = makeNode(k)
                node.slot = range.lowerBound + i % perLine
                node.line = lines.lowerBound + i / perLine
                nodeIndex[k] = scene.nodes.count
                scene.nodes.append(node)
            }
        }
        return nodeIndex
    }

    /// Badges: a component's goes on its first node in reading order, inside the view before
    /// outside; the access layer's on the clients; an endpoint's on its service.
    private func attachFindings(to scene: inout Scene, nodeIndex: [TopologySceneBuilder.NodeKey: Int]) {
        var byComponent: [ComponentID: (rank: (Int, Int, Int), node: Int)] = [:]
        for (k, i) in nodeIndex {
            guard case .group(let ci, let col, _) = k else { continue }
            let c = components[ci]
            let n = scene.nodes[i]
            let rank = (col == outsideColumn ? 1 : 0, n.line, n.slot)
            if let e = byComponent[c], e.rank <= rank { continue }
            byComponent[c] = (rank, i)
        }
        func node(_ kind: ComponentKind, _ name: String) -> SceneOwner? { byComponent[ComponentID(kind, name)].map { .node($0.node) } }
        let clientsNode = nodeIndex[.clients]
        scene.attach(builder.findings) { block in
            switch block {
            case .architecture: .title
            case .access: clientsNode.map(SceneOwner.node)
            case .cdn: nodeIndex[.cdn].map(SceneOwner.node)
            case .discovery: node(.registry, "registry")
            case .gateway(let name): node(.gateway, name)
            case .service(let name): node(.service, name)
            case .store(let name): node(.store, name)
            case .sets, .endpoint: nil
            }
        }
    }
}
