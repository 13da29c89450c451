import StrataModel

/// The boxes of the topology: the scope's ancestors around everything, then the domain tree
/// below the scope, the set boxes in their domains, and a set view's outside column.
///
/// A domain whose set box spans several columns is drawn in full around the set box, and the
/// domains below it are fragmented: one box in the set band (inside the set box) and one in the
/// shared band, aligned. Sets smaller than a column get one box per set group inside it.
struct TopologyContainers {
    private let build: TopologySceneBuild
    private let grid: TopologyGrid
    private let topology: Topology
    private let sets: [SetDefinition]
    /// The set drawn in each domain (the first when several share one).
    private let setOfDomain: [DomainID: Int]
    private let shown: Set<DomainID>

    private(set) var containers: [SceneContainer] = []
    /// The box of each set, by set index.
    private(set) var setBoxes: [Int: Int] = [:]

    init(build: TopologySceneBuild, grid: TopologyGrid) {
        self.build = build
        self.grid = grid
        topology = build.topology
        sets = build.architecture.sets
        setOfDomain = Dictionary(build.setsInView.map { (build.architecture.sets[$0].domain, $0) }, uniquingKeysWith: { x, _ in x })
        shown = Set(build.displayed)
        var outer: Int?
        for d in build.chain {
            let dom = topology[d]
            outer = add(SceneContainer(id: "c.\(dom.level).\(dom.name)", kind: TopologyContainers.kind(dom.level), label: "\(dom.level) \(dom.name)",
                                       tooltip: build.domainTooltip(d), slots: slots(of: d) ?? 0...0,
                                       lines: grid.domainLines, parent: outer))
        }
        if build.scope == topology.root {
            for r in topology[build.scope].children where shown.contains(r) { visit(r, setParent: nil, sharedParent: nil, fragmented: false) }
        } else {
            visit(build.scope, setParent: outer, sharedParent: outer, fragmented: false)
        }
        if grid.columnCount > build.leaves.count {
            let focusName = sets[build.builder.focusSet!].name
            _ = add(SceneContainer(id: "c.outside", kind: .outside, label: "outside set \(focusName)",
                                   tooltip: "Shared components set \(focusName) depends on that run outside its domain",
                                   slots: grid.slots(ofColumn: build.leaves.count), lines: grid.sharedLines ?? grid.domainLines, parent: nil))
        }
    }

    /// The container kind of a domain level.
    static func kind(_ level: DomainLevel) -> ContainerKind {
        switch level {
        case .region: .region
        case .city: .city
        case .idc: .idc
        case .rack: .rack
        case .machine, .global: .machine
        }
    }

    /// The slots of the columns inside `d`; nil when no column is.
    private func slots(of d: DomainID) -> ClosedRange<Int>? {
        let cols = build.leaves.indices.filter { topology.contains(d, build.leaves[$0]) }
        guard let f = cols.first, let l = cols.last else { return nil }
        return grid.slots(ofColumns: f, l)
    }

    private mutating func add(_ c: SceneContainer) -> Int {
        containers.append(c)
        return containers.count - 1
    }

    private mutating func addSetBox(_ s: Int, slots: ClosedRange<Int>, lines: ClosedRange<Int>, parent: Int?) -> Int {
        let c = add(SceneContainer(id: "c.set.\(sets[s].name)", kind: .set, label: "set \(sets[s].name)", tooltip: build.setTooltip(s),
                                   slots: slots, lines: lines, parent: parent))
        setBoxes[s] = c
        return c
    }

    /// The box (or boxes) of `d` and everything below it. `setParent` and `sharedParent` enclose
    /// the set band and the shared band; `fragmented` when `d` lies strictly inside a set's domain.
    private mutating func visit(_ d: DomainID, setParent: Int?, sharedParent: Int?, fragmented: Bool) {
        guard let slots = slots(of: d) else { return }
        let dom = topology[d]
        let label = "\(dom.level) \(dom.name)"
        let tip = build.domainTooltip(d)
        let kind = TopologyContainers.kind(dom.level)
        var childSet: Int?, childShared: Int?, childFragmented = fragmented
        if fragmented {
            // Strictly inside a set's domain: one box in the set's band, one in the shared band.
            if let setLines = grid.setLines {
                childSet = add(SceneContainer(id: "c.\(dom.level).\(dom.name).in-set", kind: kind, label: label, tooltip: tip,
                                              slots: slots, lines: setLines, parent: setParent))
            }
            if let sharedLines = grid.sharedLines {
                childShared = add(SceneContainer(id: "c.\(dom.level).\(dom.name).shared", kind: kind, label: label, tooltip: tip,
                                                 slots: slots, lines: sharedLines, parent: sharedParent))
            }
        } else {
            let full = add(SceneContainer(id: "c.\(dom.level).\(dom.name)", kind: kind, label: label, tooltip: tip,
                                          slots: slots, lines: grid.domainLines, parent: setParent))
            childSet = full
            childShared = full
            if let s = setOfDomain[d], let setLines = grid.setLines {
                childSet = addSetBox(s, slots: slots, lines: setLines, parent: full)
                childFragmented = true
            }
        }
        if let col = build.leafColumn[d] {
            // Sets below the column's level: one box per set group inside the column.
            if !fragmented, let setLines = grid.setLines {
                for s in build.setsInView where setBoxes[s] == nil && topology.contains(d, sets[s].domain) && sets[s].domain != d {
                    guard let range = grid.setGroupSlots[TopologyGrid.SetGroup(column: col, set: s)] else { continue }
                    _ = addSetBox(s, slots: range, lines: setLines, parent: childSet)
                }
            }
            return
        }
        for child in topology[d].children where shown.contains(child) {
            visit(child, setParent: childSet, sharedParent: childShared, fragmented: childFragmented)
        }
    }
}
