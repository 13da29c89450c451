import StrataDiagnostics
import StrataSyntax

/// What `topology { ... }` has said so far.
struct TopologyReader: TrackingReader {
    let builder: TopologyBuilder
    var tracker: StatementTracker
    var sink: DiagnosticSink { builder.sink }
}

/// What a region's or a city's block has said: its child domains are added under `parent`.
struct DomainReader: StatementReader {
    let builder: TopologyBuilder
    let parent: DomainID
    var sink: DiagnosticSink { builder.sink }
}

/// What an IDC's block has said: `racks N` or named racks, built once the block is read.
struct IDCReader: StatementReader {
    let sink: DiagnosticSink
    var countStatement: Statement?
    var countInfo: StatementInfo?
    var named: [(statement: Statement, info: StatementInfo)] = []
}

/// What a rack's `{ machines M }` has said.
struct RackReader: TrackingReader {
    let sink: DiagnosticSink
    var tracker: StatementTracker
    var machines: Int?
}

/// Builds the domain tree, latency and availability from `topology { ... }`. A class, so that the
/// readers of nested blocks add domains to the one tree being built.
final class TopologyBuilder {
    let sink: DiagnosticSink
    private(set) var topology: Topology
    /// Where each named domain was declared, for duplicate reports.
    private var declared: [String: Span] = [:]

    init(sink: DiagnosticSink, topology: Topology) {
        self.sink = sink
        self.topology = topology
    }

    /// Largest rack or machine count accepted (keeps expansion bounded).
    static let maxCount = 10_000

    static let topologyTable = StatementTable<TopologyReader>(.topology, context: "`topology`", [
        StatementEntry("region", usage: "region NAME { ... }", example: "region west { city shenzhen { idc sz-a } }",
                       summary: "a region; holds at least one `city`", opens: .region) { r, s, info in
            r.builder.domain(s, level: .region, parent: r.builder.topology.root, info)
        },
        StatementEntry("latency", usage: "latency { LEVEL D ... A <-> B D }", example: "latency { rack 0.2ms; idc 1ms; city 6ms }",
                       summary: "round-trip times between machines by the level at which they part (`machine` .. `region`), and overrides between two domains") { r, s, _ in
            if r.tracker.first(s) { r.builder.latency(s) }
        },
        StatementEntry("availability", usage: "availability { LEVEL P% ... }", example: "availability { machine 99.9% rack 99.95% }",
                       summary: "the availability of one domain of each level, used by the `slo` analysis") { r, s, _ in
            if r.tracker.first(s) { r.builder.availability(s) }
        },
    ])

    static let regionTable = StatementTable<DomainReader>(.region, context: "a region", [
        StatementEntry("city", usage: "city NAME { ... }", example: "city hangzhou { idc hz-a }", summary: "a city; holds at least one `idc`", opens: .city) { r, s, info in
            r.builder.domain(s, level: .city, parent: r.parent, info)
        },
    ])

    static let cityTable = StatementTable<DomainReader>(.city, context: "a city", [
        StatementEntry("idc", usage: "idc NAME { ... }", example: "idc sh-d { racks 2 }",
                       summary: "a data centre; without racks it has one implicit rack `<idc>-r1`", opens: .idc) { r, s, info in
            r.builder.domain(s, level: .idc, parent: r.parent, info)
        },
    ])

    static let idcTable = StatementTable<IDCReader>(.idc, context: "an idc", [
        StatementEntry("racks", usage: "racks N", example: "racks 4", summary: "N racks named `<idc>-r1` .. `<idc>-rN`", opens: .rack) { r, s, info in
            if let earlier = r.countStatement {
                r.sink.emit(Catalogue.duplicateStatement, "`racks` is given twice in this block", at: s.headSpan,
                            secondary: [Label(earlier.headSpan, "first given here")])
            } else {
                r.countStatement = s
                r.countInfo = info
            }
        },
        StatementEntry("rack", usage: "rack NAME", example: "rack sh-a-r1 { machines 8 }", summary: "one explicitly named rack", opens: .rack) { r, s, info in
            r.named.append((s, info))
        },
    ])

    static let rackTable = StatementTable<RackReader>(.rack, context: "a rack", [
        .single("machines", usage: "machines N", example: "machines 8", summary: "the rack's machines, named `<rack>-m1` .. `<rack>-mM`") { r, c, info in
            r.machines = c.integer("the number of machines", in: 1...TopologyBuilder.maxCount, example: info.example)?.value
        },
    ])

    /// `topology { ... }`; `info` is its entry in the architecture's table.
    func build(_ statement: Statement, _ info: StatementInfo) {
        var c = ArgumentCursor(statement, sink: sink)
        c.finish(usage: info.usage)
        guard let block = sink.requireBlock(statement, example: info.example) else { return }
        var reader = TopologyReader(builder: self, tracker: StatementTracker(sink: sink))
        Self.topologyTable.read(block.statements, into: &reader)
        if topology[topology.root].children.isEmpty {
            sink.emit(Catalogue.missingStatement, "the topology declares no region", at: statement.headSpan,
                      help: "add `region NAME { city NAME { idc NAME { racks 2 } } }`")
        }
    }

    /// Registers a domain name, reporting duplicates. Returns false for a duplicate.
    private func register(_ name: Located<String>) -> Bool {
        if let earlier = declared[name.value] {
            sink.emit(Catalogue.duplicateName, "failure domain `\(name.value)` is declared twice", at: name.span,
                      secondary: [Label(earlier, "first declared here")],
                      help: "domain names are global across the topology; prefix rack names with their IDC, e.g. `sh-a-r1`")
            return false
        }
        declared[name.value] = name.span
        return true
    }

    /// `region|city|idc NAME { ... }`.
    private func domain(_ statement: Statement, level: DomainLevel, parent: DomainID, _ info: StatementInfo) {
        var c = ArgumentCursor(statement, sink: sink)
        guard let name = c.name("the \(level) name") else { return }
        c.finish(usage: info.usage)
        guard register(name) else { return }
        let id = topology.add(name: name.value, level: level, parent: parent, span: name.span)
        if level == .idc {
            idcBody(statement, id: id, name: name.value)
            return
        }
        let table = level == .region ? Self.regionTable : Self.cityTable
        let child = table.accepted[0]
        guard let block = sink.requireBlock(statement, example: "\(level) \(name.value) { \(child) NAME { ... } }") else { return }
        var reader = DomainReader(builder: self, parent: id)
        table.read(block.statements, into: &reader)
        if topology[id].children.isEmpty {
            sink.emit(Catalogue.missingStatement, "\(level) `\(name.value)` declares no \(child)", at: name.span,
                      help: "add `\(child) NAME { ... }` inside it")
        }
    }

    /// The body of an IDC: `racks N [{ machines M }]` or `rack NAME [{ machines M }]`.
    private func idcBody(_ statement: Statement, id: DomainID, name: String) {
        var r = IDCReader(sink: sink)
        Self.idcTable.read(statement.block?.statements ?? [], into: &r)
        if let countStatement = r.countStatement, let first = r.named.first {
            sink.emit(Catalogue.conflictingStatements, "an idc takes either `racks N` or named `rack` statements, not both",
                      at: first.statement.headSpan, secondary: [Label(countStatement.headSpan, "`racks` given here")])
        }
        if let s = r.countStatement, let info = r.countInfo {
            var c = ArgumentCursor(s, sink: sink)
            guard let n = c.integer("the number of racks", in: 1...TopologyBuilder.maxCount, example: info.example) else { return }
            c.finish(usage: info.usage)
            let machines = machineCount(s)
            for i in 1...n.value {
                let rackName = "\(name)-r\(i)"
                if let earlier = declared[rackName] {
                    sink.emit(Catalogue.duplicateName, "rack `\(rackName)` (generated by `racks \(n.value)`) is already declared", at: n.span,
                              secondary: [Label(earlier, "declared here")])
                    continue
                }
                declared[rackName] = n.span
                addRack(rackName, idc: id, span: n.span, machines: machines)
            }
        } else if !r.named.isEmpty {
            for (s, info) in r.named {
                var c = ArgumentCursor(s, sink: sink)
                guard let rack = c.name("the rack name") else { continue }
                c.finish(usage: info.usage)
                guard register(rack) else { continue }
                addRack(rack.value, idc: id, span: rack.span, machines: machineCount(s))
            }
        } else {
            // An IDC without racks has one implicit rack.
            addRack("\(name)-r1", idc: id, span: topology[id].span, machines: nil)
        }
    }

    /// Adds a rack and, when its machine count is declared, its machines.
    private func addRack(_ name: String, idc: DomainID, span: Span?, machines: Int?) {
        let rack = topology.add(name: name, level: .rack, parent: idc, span: span, machineCount: machines)
        guard let machines else { return }
        for m in 1...machines {
            topology.add(name: "\(name)-m\(m)", level: .machine, parent: rack, span: span)
        }
    }

    /// `{ machines M }` after `racks N` or `rack NAME`.
    private func machineCount(_ statement: Statement) -> Int? {
        guard let block = statement.block else { return nil }
        var r = RackReader(sink: sink, tracker: StatementTracker(sink: sink))
        Self.rackTable.read(block.statements, into: &r)
        return r.machines
    }

    /// `latency { rack 0.2ms idc 1ms ... a <-> b 28ms }`.
    private func latency(_ statement: Statement) {
        var c = ArgumentCursor(OptionList.flatten(statement, sink: sink), sink: sink)
        var seen: [String: Span] = [:]
        while !c.isAtEnd, !c.failed {
            guard let first = c.word("a level (`machine`, `rack`, `idc`, `city`, `region`) or `A <-> B`", example: "rack 0.2ms") else { break }
            if c.accept(arrowWord: true) {
                guard let second = c.word("the second domain of `\(first.value) <-> ...`", example: "\(first.value) <-> shenzhen 28ms") else { break }
                guard let ms = c.duration("a round-trip time", example: "28ms", allowZero: true) else { break }
                guard let a = lookup(first), let b = lookup(second) else { continue }
                if a == b {
                    sink.emit(Catalogue.invalidArgument, "a latency override needs two different domains", at: first.span.merged(with: second.span))
                    continue
                }
                if topology.contains(a, b) || topology.contains(b, a) {
                    sink.emit(Catalogue.invalidArgument, "`\(first.value)` and `\(second.value)` contain each other; an override joins two disjoint domains",
                              at: first.span.merged(with: second.span))
                    continue
                }
                topology.latency.overrides[DomainPair(a, b)] = ms.value
            } else {
                guard let level = DomainLevel(keyword: first.value) else {
                    sink.emit(Catalogue.invalidArgument, "`\(first.value)` is not a level; `latency` takes `machine`, `rack`, `idc`, `city`, `region` or `A <-> B`",
                              at: first.span)
                    break
                }
                guard let ms = c.duration("a round-trip time", example: "\(level) 1ms", allowZero: true) else { break }
                if let earlier = seen[first.value] {
                    sink.emit(Catalogue.duplicateStatement, "latency of `\(level)` is given twice", at: first.span, secondary: [Label(earlier, "first given here")])
                }
                seen[first.value] = first.span
                topology.latency.perLevel[level] = ms.value
            }
        }
    }

    private func lookup(_ name: Located<String>) -> DomainID? {
        if let id = topology.domain(named: name.value) { return id }
        sink.emit(Catalogue.unknownReference, "no failure domain is named `\(name.value)`", at: name.span,
                  help: sink.closest(name.value, in: topology.domains.dropFirst().map(\.name)).map { "did you mean `\($0)`?" })
        return nil
    }

    /// `availability { machine 99.9% rack 99.95% ... }`.
    private func availability(_ statement: Statement) {
        var c = ArgumentCursor(OptionList.flatten(statement, sink: sink), sink: sink)
        var seen: [String: Span] = [:]
        while !c.isAtEnd, !c.failed {
            guard let level = c.choice(DomainLevel.named.map(\.description), what: "a level") else { break }
            guard let p = c.percentage("an availability", example: "\(level.value) 99.99%") else { break }
            if let earlier = seen[level.value] {
                sink.emit(Catalogue.duplicateStatement, "availability of `\(level.value)` is given twice", at: level.span,
                          secondary: [Label(earlier, "first given here")])
            }
            seen[level.value] = level.span
            topology.availability[DomainLevel(keyword: level.value)!] = p.value
        }
    }
}

extension ArgumentCursor {
    /// Consumes `<->` when it is next.
    mutating func accept(arrowWord: Bool) -> Bool {
        guard let arg = peek, case .biArrow = arg.kind else { return false }
        advance()
        return true
    }
}

/// Option blocks: a statement whose block lists `key value` options, several per line allowed.
enum OptionList {
    /// A statement whose arguments are the block's statements flattened into
    /// one `key value key value ...` list (keywords become word arguments).
    /// Arguments before `from` are dropped. Nested blocks are reported.
    static func flatten(_ statement: Statement, from: Int = 0, sink: DiagnosticSink, includeHead: Bool = false) -> Statement {
        var args = Array(statement.arguments.dropFirst(from))
        for s in statement.block?.statements ?? [] {
            args.append(Argument(.word(s.keyword), s.keywordSpan))
            args.append(contentsOf: s.arguments)
            if let nested = s.block {
                sink.emit(Catalogue.invalidArgument, "options of `\(statement.keyword)` take no block", at: nested.open)
            }
        }
        return Statement(keyword: statement.keyword, keywordSpan: statement.keywordSpan, arguments: args, block: nil)
    }
}
