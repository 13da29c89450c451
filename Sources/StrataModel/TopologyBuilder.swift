import StrataDiagnostics
import StrataSyntax

/// Builds the domain tree, latency and availability from `topology { ... }`.
struct TopologyBuilder {
    let sink: DiagnosticSink
    var topology: Topology
    /// Where each named domain was declared, for duplicate reports.
    private var declared: [String: Span] = [:]

    init(sink: DiagnosticSink, topology: Topology) {
        self.sink = sink
        self.topology = topology
    }

    /// Largest rack or machine count accepted (keeps expansion bounded).
    static let maxCount = 10_000

    mutating func build(_ statement: Statement) {
        var c = ArgumentCursor(statement, sink: sink)
        c.finish(usage: "topology { region NAME { ... } }")
        guard let block = sink.requireBlock(statement, example: "topology { region east { city shanghai { idc sh-a { racks 2 } } } }") else { return }
        var tracker = StatementTracker(sink: sink)
        for s in block.statements {
            switch s.keyword {
            case "region": domain(s, level: .region, parent: topology.root)
            case "latency": if tracker.first(s) { latency(s) }
            case "availability": if tracker.first(s) { availability(s) }
            default: sink.unknownStatement(s, in: "`topology`", accepted: ["region", "latency", "availability"])
            }
        }
        if topology[topology.root].children.isEmpty {
            sink.emit(Catalogue.missingStatement, "the topology declares no region", at: statement.headSpan,
                      help: "add `region NAME { city NAME { idc NAME { racks 2 } } }`")
        }
    }

    /// Registers a domain name, reporting duplicates. Returns false for a duplicate.
    private mutating func register(_ name: Located<String>) -> Bool {
        if let earlier = declared[name.value] {
            sink.emit(Catalogue.duplicateName, "failure domain `\(name.value)` is declared twice", at: name.span,
                      secondary: [Label(earlier, "first declared here")],
                      help: "domain names are global across the topology; prefix rack names with their IDC, e.g. `sh-a-r1`")
            return false
        }
        declared[name.value] = name.span
        return true
    }

    private static let childLevel: [DomainLevel: (keyword: String, level: DomainLevel)] = [
        .region: ("city", .city), .city: ("idc", .idc),
    ]

    /// `region|city|idc NAME { ... }`.
    private mutating func domain(_ statement: Statement, level: DomainLevel, parent: DomainID) {
        var c = ArgumentCursor(statement, sink: sink)
        guard let name = c.name("the \(level) name") else { return }
        c.finish(usage: "\(level) NAME { ... }")
        guard register(name) else { return }
        let id = topology.add(name: name.value, level: level, parent: parent, span: name.span)
        if level == .idc {
            idcBody(statement, id: id, name: name.value)
            return
        }
        let child = TopologyBuilder.childLevel[level]!
        guard let block = sink.requireBlock(statement, example: "\(level) \(name.value) { \(child.keyword) NAME { ... } }") else { return }
        for s in block.statements {
            if s.keyword == child.keyword {
                domain(s, level: child.level, parent: id)
            } else {
                sink.unknownStatement(s, in: "a \(level)", accepted: [child.keyword])
            }
        }
        if topology[id].children.isEmpty {
            sink.emit(Catalogue.missingStatement, "\(level) `\(name.value)` declares no \(child.keyword)", at: name.span,
                      help: "add `\(child.keyword) NAME { ... }` inside it")
        }
    }

    /// The body of an IDC: `racks N [{ machines M }]` or `rack NAME [{ machines M }]`.
    private mutating func idcBody(_ statement: Statement, id: DomainID, name: String) {
        var countStatement: Statement?
        var named: [Statement] = []
        for s in statement.block?.statements ?? [] {
            switch s.keyword {
            case "racks":
                if let earlier = countStatement {
                    sink.emit(Catalogue.duplicateStatement, "`racks` is given twice in this block", at: s.headSpan,
                              secondary: [Label(earlier.headSpan, "first given here")])
                } else {
                    countStatement = s
                }
            case "rack": named.append(s)
            default: sink.unknownStatement(s, in: "an idc", accepted: ["racks", "rack"])
            }
        }
        if let countStatement, let first = named.first {
            sink.emit(Catalogue.conflictingStatements, "an idc takes either `racks N` or named `rack` statements, not both",
                      at: first.headSpan, secondary: [Label(countStatement.headSpan, "`racks` given here")])
        }
        if let s = countStatement {
            var c = ArgumentCursor(s, sink: sink)
            guard let n = c.integer("the number of racks", in: 1...TopologyBuilder.maxCount, example: "racks 4") else { return }
            c.finish(usage: "racks N")
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
        } else if !named.isEmpty {
            for s in named {
                var c = ArgumentCursor(s, sink: sink)
                guard let rack = c.name("the rack name") else { continue }
                c.finish(usage: "rack NAME")
                guard register(rack) else { continue }
                addRack(rack.value, idc: id, span: rack.span, machines: machineCount(s))
            }
        } else {
            // An IDC without racks has one implicit rack.
            addRack("\(name)-r1", idc: id, span: topology[id].span, machines: nil)
        }
    }

    /// Adds a rack and, when its machine count is declared, its machines.
    private mutating func addRack(_ name: String, idc: DomainID, span: Span?, machines: Int?) {
        let rack = topology.add(name: name, level: .rack, parent: idc, span: span, machineCount: machines)
        guard let machines else { return }
        for m in 1...machines {
            topology.add(name: "\(name)-m\(m)", level: .machine, parent: rack, span: span)
        }
    }

    /// `{ machines M }` after `racks N` or `rack NAME`.
    private func machineCount(_ statement: Statement) -> Int? {
        guard let block = statement.block else { return nil }
        var result: Int?
        var tracker = StatementTracker(sink: sink)
        for s in block.statements {
            guard s.keyword == "machines" else {
                sink.unknownStatement(s, in: "a rack", accepted: ["machines"])
                continue
            }
            tracker.single(s, usage: "machines N") { c in
                result = c.integer("the number of machines", in: 1...TopologyBuilder.maxCount, example: "machines 8")?.value
            }
        }
        return result
    }

    /// `latency { rack 0.2ms idc 1ms ... a <-> b 28ms }`.
    private mutating func latency(_ statement: Statement) {
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
    private mutating func availability(_ statement: Statement) {
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
