import Foundation
import Testing
import StrataDiagnostics
import StrataModel
import StrataSyntax
import StrataTestSupport

/// The statement catalogue against what it describes: the language reference (docs/language.md),
/// the example specs, and what the resolver accepts and reports.
@Suite struct StatementCatalogueTests {
    // MARK: The catalogue against the language reference and the specs

    @Test func catalogueListsWhatTheLanguageReferenceDocuments() throws {
        let documented = try LanguageReference.statementsByBlock()
        for block in BlockKind.allCases {
            let documentedHere = try #require(documented[block], "docs/language.md documents no statements of `\(block)`")
            #expect(keywords(in: block) == documentedHere, "\(block)")
        }
    }

    @Test func everyStatementOfTheSpecsIsInTheCatalogue() throws {
        var seen: [BlockKind: Set<String>] = [:]
        for path in try specFiles() {
            let bytes = try #require(FileManager.default.contents(atPath: path))
            let tree = Parser.parse(SourceFile(id: FileID(0), path: path, bytes: Array(bytes)))
            // Fragments under specs/include are spliced into `architecture`.
            let block: BlockKind = path.contains("/include/") ? .architecture : .file
            walk(tree.statements, in: block, path: path, seen: &seen)
        }
        // The walk reached every kind of block, so each statement that opens one says which.
        #expect(Set(seen.keys) == Set(BlockKind.allCases))
    }

    /// Walks statements, descending into the blocks the catalogue says they open.
    private func walk(_ statements: [Statement], in block: BlockKind, path: String, seen: inout [BlockKind: Set<String>]) {
        for statement in statements {
            let info = StatementCatalogue.statements(in: block).first { $0.keyword == statement.keyword }
            #expect(info != nil, "\(path): `\(statement.keyword)` in `\(block)` is not in the catalogue")
            seen[block, default: []].insert(statement.keyword)
            if let opens = info?.opens, let inner = statement.block {
                walk(inner.statements, in: opens, path: path, seen: &seen)
            }
        }
    }

    // MARK: The catalogue against the resolver

    /// Places each candidate keyword, bare, in a block of each kind and asks whether the resolver
    /// calls it unknown (E0401). Candidates: every word the reference, the specs and the catalogue use as a keyword.
    @Test func resolverAcceptsExactlyTheCatalogue() throws {
        var candidates = Set(StatementCatalogue.statements(in: .file).map(\.keyword))
        for block in BlockKind.allCases { candidates.formUnion(keywords(in: block)) }
        for (_, words) in try LanguageReference.statementsByBlock() { candidates.formUnion(words) }
        candidates.formUnion(["timeout", "retries", "path", "ttl", "machine", "hash", "per", "across", "name", "frobnicate"])
        for block in BlockKind.allCases {
            var accepted: Set<String> = []
            for keyword in candidates {
                let (text, offset) = Host.full.filling(block, with: keyword)
                let compilation = Host.compile(text)
                let unknown = compilation.diagnostics.contains { $0.id == "E0401" && $0.primary.span.start == offset }
                if !unknown { accepted.insert(keyword) }
            }
            #expect(accepted == keywords(in: block), "\(block)")
        }
    }

    @Test func everyExampleResolvesInAMinimalSpec() {
        for host in [Host.full, Host.minimal] {
            let (text, _) = host.filling(nil, with: "")
            #expect(Host.compile(text).diagnostics.isEmpty, "the host spec itself: \(text)")
        }
        for info in StatementCatalogue.all {
            let attempts = Host.all.filter { $0.has(info.block) }.map { host in
                Host.compile(host.filling(info.block, with: info.example).text).diagnostics.map(\.message)
            }
            #expect(attempts.contains { $0.isEmpty }, "`\(info.example)` in `\(info.block)`: \(attempts.min { $0.count < $1.count } ?? [])")
        }
    }

    /// A statement with a stray argument is reported with the usage from its catalogue entry.
    @Test func extraArgumentsAreReportedWithTheCatalogueUsage() {
        // These read the words after their fixed arguments as options (the sets' `route` excepted), so a
        // stray one is reported as a wrong option; `include` is read by the loader.
        let optionLists: Set<String> = ["include", "cdn", "latency", "availability", "route", "call", "quorum"]
        for info in StatementCatalogue.all {
            // The stray argument goes after the arguments, before any block.
            let stray: String
            if let brace = info.example.range(of: " {") {
                stray = info.example[..<brace.lowerBound] + " 7" + info.example[brace.lowerBound...]
            } else {
                stray = info.example + " 7"
            }
            let filled = Host.all.filter { $0.has(info.block) }.map { Host.compile($0.filling(info.block, with: stray).text) }
            let helps = filled.flatMap(\.diagnostics).filter { $0.message.hasPrefix("unexpected the number `7`") }.compactMap(\.help)
            let forms = [info.usage] + info.usage.components(separatedBy: " | ")
            if optionLists.contains(info.keyword), info.block != .sets {
                #expect(helps.isEmpty, "`\(stray)` in `\(info.block)`: \(helps)")
            } else {
                #expect(!helps.isEmpty && helps.allSatisfy { h in forms.contains { h == "`\(info.keyword)` is written `\($0)`" } },
                        "`\(stray)` in `\(info.block)`: \(helps)")
            }
        }
    }

    // MARK: The public API

    @Test func lookupByKeywordSpansBlocks() {
        #expect(StatementCatalogue.statement(named: "replicas").map(\.block) == [.gateway, .discovery, .service, .store])
        #expect(StatementCatalogue.statement(named: "include").map(\.block) == [.file, .architecture])
        #expect(StatementCatalogue.statement(named: "frobnicate").isEmpty)
        let replicas = StatementCatalogue.statement(named: "replicas")[0]
        #expect(replicas.usage == "replicas N per set | replicas N across LEVEL [in DOMAIN] | replicas N in DOMAIN")
        #expect(replicas.example == "replicas 3 per set")
    }

    @Test func entriesAreWellFormed() {
        for block in BlockKind.allCases {
            let infos = StatementCatalogue.statements(in: block)
            #expect(!infos.isEmpty, "\(block)")
            #expect(Set(infos.map(\.keyword)).count == infos.count, "\(block) lists a keyword twice")
            for info in infos {
                #expect(info.block == block)
                #expect(info.usage.hasPrefix(info.keyword) && info.example.hasPrefix(info.keyword), "\(info.keyword)")
                #expect(!info.summary.isEmpty && !info.summary.contains("\n") && !info.summary.hasSuffix("."), "\(info.keyword)")
            }
        }
    }

    // MARK: Helpers

    private func keywords(in block: BlockKind) -> Set<String> {
        Set(StatementCatalogue.statements(in: block).map(\.keyword))
    }

    private func specFiles() throws -> [String] {
        var files: [String] = []
        for folder in ["specs", "specs/include", "specs/flawed"] {
            let path = repositoryRoot.appendingPathComponent(folder).path
            for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() where name.hasSuffix(".strata") {
                files.append(path + "/" + name)
            }
        }
        return files
    }
}

/// Specs with a hole per block kind (`@file`, `@architecture`, ...), to place a statement into.
/// Lines marked `// drop` are left out one at a time, so a statement that conflicts with one of them
/// (a second `replicas`, `stateless` beside `stateful`) finds a host where it is alone.
private struct Host {
    let template: String

    static let full = Host(template: """
        @file
        architecture host {
          @architecture
          topology {
            @topology
            region east {
              @region
              city shanghai {
                @city
                idc sh-a {
                  @idc
                }
                idc sh-b { racks 2 }
                idc sh-c {
                  rack sh-c-r1 {
                    @rack
                  }
                }
              }
            }
          }
          sets {
            stripe idc  // drop
            @sets
          }
          access {
            @access
          }
          gateway edge {
            replicas 2 per set  // drop
            route "/api/users" -> users
            @gateway
          }
          discovery {
            mode registry  // drop
            replicas 3 across idc  // drop
            @discovery
          }
          service orders {
            stateful  // drop
            replicas 2 per set  // drop
            endpoint create POST "/api/orders" {
              @endpoint
              parallel {
                @parallel
                call users.get
              }
            }
            @service
          }
          service users { replicas 2 per set; endpoint get GET "/api/users/{id}" { read users-db } }
          service pricing { replicas 2 per set; endpoint quote GET "/api/pricing" { work 1ms } }
          service stock { replicas 2 per set; endpoint check GET "/api/stock" { work 1ms } }
          store orders-db {
            replicas 3 across idc  // drop
            shards 4  // drop
            @store
          }
          store users-db { replicas 3 across idc }
        }

        """)

    /// An architecture with a topology and nothing else, for `sets`, `gateway` and the like.
    static let minimal = Host(template: """
        architecture host {
          topology { region east { city shanghai { idc sh-a { racks 2 } } } }
          @architecture
        }

        """)

    /// An architecture without a topology, for `topology`; and an empty file, for `architecture`.
    static let bare = Host(template: "architecture host {\n  @architecture\n}\n")
    static let empty = Host(template: "@file\n")

    static let all: [Host] = {
        let lines = full.template.components(separatedBy: "\n")
        let dropped = lines.indices.filter { lines[$0].hasSuffix("// drop") }.map { i in
            Host(template: lines.enumerated().filter { $0.offset != i }.map(\.element).joined(separator: "\n"))
        }
        return [full] + dropped + [minimal, bare, empty]
    }()

    func has(_ block: BlockKind) -> Bool { template.contains("@\(block)\n") }

    /// The spec with `statement` in the hole of `block` (nil: none) and every other hole empty,
    /// and the byte offset where the statement starts.
    func filling(_ block: BlockKind?, with statement: String) -> (text: String, offset: Int) {
        var text = template
        for other in BlockKind.allCases where other != block { text = text.replacingOccurrences(of: "@\(other)\n", with: "\n") }
        guard let block, let range = text.range(of: "@\(block)\n") else { return (text, -1) }
        let offset = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        text.replaceSubrange(range, with: statement + "\n")
        return (text, offset)
    }

    /// Compiles a spec whose includes read empty fragments.
    static func compile(_ text: String) -> Compilation {
        Compiler.compile(text: text, path: "spec.strata") { _ in [] }
    }
}

/// Reads the statement tables of docs/language.md, section 3 (and the top level from section 2).
private enum LanguageReference {
    static func statementsByBlock() throws -> [BlockKind: Set<String>] {
        let text = try String(contentsOfFile: repositoryRoot.appendingPathComponent("docs/language.md").path, encoding: .utf8)
        var result: [BlockKind: Set<String>] = [:]
        // Section 2: "must hold exactly one `architecture NAME { ... }`"; "`include` is allowed at the top level".
        for pattern in [#"must hold exactly one `(\w+)"#, #"`(\w+)` is allowed at the top level"#] {
            for match in text.matches(of: try Regex(pattern)) {
                if let word = match.output[1].substring { result[.file, default: []].insert(String(word)) }
            }
        }
        var section: BlockKind?
        var columns: [String] = []
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("### ") {
                section = codeSpans(line).first.flatMap { BlockKind(rawValue: firstWord($0)) }
                columns = []
                continue
            }
            guard let block = section, line.hasPrefix("|") else { columns = []; continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if columns.isEmpty { columns = cells; continue }
            guard ["statement", "step"].contains(columns[0]), cells.first?.hasPrefix("`") == true else { continue }
            var target = block
            if let whereColumn = columns.firstIndex(of: "where") {
                let place = cells[whereColumn]
                // "inside `racks`/`rack`": the block those statements open.
                target = BlockKind(rawValue: place)
                    ?? codeSpans(place).lazy.compactMap { word in StatementCatalogue.statement(named: word).first?.opens }.first ?? block
            }
            for span in codeSpans(cells[0]) { result[target, default: []].insert(firstWord(span)) }
            // "May hold `work`, `call`, ... and nested `parallel`": what a `parallel` block holds.
            if let hold = cells.last?.range(of: "May hold ") {
                for span in codeSpans(String(cells.last![hold.upperBound...])) { result[.parallel, default: []].insert(span) }
            }
        }
        // Section 3.10: "`allow` is accepted directly inside `architecture`, `sets`, ..."
        if let match = text.firstMatch(of: try Regex(#"`allow` is accepted\s+directly inside ([^.]*)\."#)), let list = match.output[1].substring {
            for span in codeSpans(String(list)) {
                if let block = BlockKind(rawValue: span) { result[block, default: []].insert("allow") }
            }
        }
        return result
    }

    private static func codeSpans(_ text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    private static func firstWord(_ text: String) -> String {
        String(text.prefix { $0 != " " })
    }
}
