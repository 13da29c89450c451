import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import StrataDiagnostics
import StrataDiagram
import StrataModel
import StrataRules
import StrataTestSupport

/// Every spec the criteria run over, `specs/*.strata` and `specs/flawed/*.strata` (absolute paths),
/// or why they could not be listed (`CriteriaTests.theSpecsAreThere` fails then).
let specListing = Result<[String], any Error> {
    try (strataFiles(in: "specs") + strataFiles(in: "specs/flawed")).map(repositoryPath)
}

/// The listed specs; empty when listing failed, which `CriteriaTests.theSpecsAreThere` reports.
let specPaths: [String] = (try? specListing.get()) ?? []

/// A spec's short name: `shop`, `flawed/prototype`.
func specName(_ path: String) -> String {
    let specs = repositoryPath("specs") + "/"
    let relative = path.hasPrefix(specs) ? String(path.dropFirst(specs.count)) : path
    return relative.hasSuffix(".strata") ? String(relative.dropLast(7)) : relative
}

/// A compiled and checked spec.
struct CheckedArchitecture {
    let architecture: Architecture
    let findings: [Diagnostic]
}

/// Compiles and checks a spec; nil when it has compile errors.
func check(path: String) -> CheckedArchitecture? {
    guard let compilation = try? Compiler.compile(path: path), let a = compilation.architecture, !compilation.hasErrors else { return nil }
    return CheckedArchitecture(architecture: a, findings: Checker.check(a).diagnostics)
}

/// Compiles and checks spec text (includes resolved relative to `path`).
func check(text: String, path: String) -> CheckedArchitecture? {
    let compilation = Compiler.compile(text: text, path: path)
    guard let a = compilation.architecture, !compilation.hasErrors else { return nil }
    return CheckedArchitecture(architecture: a, findings: Checker.check(a).diagnostics)
}

/// One drawn view of one spec.
struct Rendered: CustomStringConvertible {
    let spec: String
    let options: DiagramOptions
    let diagram: Diagram
    let svg: String
    let findingCount: Int
    var description: String { "\(spec) \(options.view)" + (options.detail.map { " --detail \($0.rawValue)" } ?? "") }
}

/// The views drawn of every spec: topology (IDC and rack detail), calls, and every set.
func views(of a: Architecture) -> [DiagramOptions] {
    var result = [DiagramOptions(view: .topology), DiagramOptions(view: .topology, detail: .rack), DiagramOptions(view: .calls)]
    for s in a.sets { result.append(DiagramOptions(view: .set(s.name))) }
    return result
}

/// Small specs for layouts the examples do not exercise: machine-level sets, sets at two levels
/// (a city and a rack), nothing placed at all. Drawn and checked like the specs in specs/.
let edgeCaseSpecs: [(name: String, text: String)] = [
    ("edge/machine-sets", """
    architecture cells {
      survive machine
      topology {
        region r {
          city c {
            idc i1 { rack a { machines 3 } }
            idc i2 { rack b { machines 2 } }
          }
        }
      }
      sets {
        stripe machine
        route header "x-id" hash
        failover nearest
      }
      gateway gw {
        replicas 1 per set
        auth jwt
        rate-limit 10/s
        route "/x" -> svc
      }
      service svc {
        replicas 1 per set
        endpoint get GET "/x/{id}" {
          budget 50ms
          work 1ms
          read db
        }
      }
      store db {
        engine redis
        consistency eventual
        replicas 2 across idc
        replication async
      }
    }
    """),
    ("edge/mixed-set-levels", """
    architecture mixed {
      survive idc
      topology {
        region east {
          city a {
            idc a1 { racks 2 }
            idc a2 { racks 2 }
          }
          city b {
            idc b1 { rack x; rack y }
          }
        }
        region west {
          city w { idc w1 { racks 1 } }
        }
      }
      sets {
        set big in a
        set small in x
        route cookie "s"
        failover none
      }
      gateway gw {
        replicas 2 per set
        auth jwt
        rate-limit 10/s
        route "/s" -> svc
      }
      discovery {
        mode registry
        engine consul
        replicas 3 across city
      }
      service svc {
        replicas 2 per set
        endpoint get GET "/s" {
          budget 500ms
          work 1ms
          call other.run timeout 100ms
          write db
        }
      }
      service other {
        replicas 1 in w1
        endpoint run POST "/internal/run" {
          budget 100ms
          work 1ms
        }
      }
      store db {
        engine postgres
        consistency strong
        replicas 3 across idc
        replication sync
      }
    }
    """),
    ("edge/nothing-placed", """
    architecture bare {
      topology {
        region r {
          city c {
            idc i1 { racks 1 }
          }
        }
      }
    }
    """),
]

/// Every view of every spec, drawn once per test run, and what could not be drawn
/// (`CriteriaTests.theSpecsAreThere` fails on each).
let drawing: (views: [Rendered], failures: [String]) = {
    var drawn: [Rendered] = []
    var failures: [String] = []
    func draw(_ checked: CheckedArchitecture, spec: String) {
        let count = checked.findings.filter { $0.suppression == nil }.count
        for options in views(of: checked.architecture) {
            do {
                let d = try DiagramBuilder.build(checked.architecture, findings: checked.findings, options: options)
                drawn.append(Rendered(spec: spec, options: options, diagram: d, svg: SVGRenderer().render(d), findingCount: count))
            } catch {
                failures.append("\(spec) \(options.view): \(error)")
            }
        }
    }
    for (name, text) in edgeCaseSpecs {
        guard let checked = check(text: text, path: name + ".strata") else {
            failures.append("edge-case spec \(name) does not compile")
            continue
        }
        draw(checked, spec: name)
    }
    for path in specPaths {
        guard let checked = check(path: path) else { continue }  // specs with compile errors have no diagram
        draw(checked, spec: specName(path))
    }
    return (drawn, failures)
}()

/// The views of ``drawing``.
let renderedViews: [Rendered] = drawing.views

// MARK: - XML

/// A parsed XML element.
final class XMLElement {
    let name: String
    let attributes: [String: String]
    var children: [XMLElement] = []
    var text = ""
    weak var parent: XMLElement?

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Every element below this one, depth first.
    var descendants: [XMLElement] {
        var result: [XMLElement] = []
        var stack = children.reversed().map { $0 }
        while let e = stack.popLast() {
            result.append(e)
            stack.append(contentsOf: e.children.reversed())
        }
        return result
    }
}

/// Parses with FoundationXML's XMLParser, which (unlike XMLDocument here) reports malformed input.
final class StrictXMLParser: NSObject, XMLParserDelegate {
    private var stack: [XMLElement] = []
    private(set) var root: XMLElement?

    /// The document's root, or the parser's error.
    static func parse(_ text: String) -> Result<XMLElement, Error> {
        let parser = XMLParser(data: Data(text.utf8))
        let delegate = StrictXMLParser()
        parser.delegate = delegate
        let ok = parser.parse()
        if let error = parser.parserError { return .failure(error) }
        guard ok, let root = delegate.root else { return .failure(NSError(domain: "xml", code: 1)) }
        return .success(root)
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String] = [:]) {
        let e = XMLElement(name: elementName, attributes: attributeDict)
        e.parent = stack.last
        stack.last?.children.append(e)
        if stack.isEmpty { root = e }
        stack.append(e)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}

// MARK: - Tools

/// Runs an executable (a path, e.g. from `ExternalTool.require`) to completion; its status and combined output.
func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    let inPipe = Pipe()
    if input != nil { p.standardInput = inPipe }
    try p.run()
    if let input {
        inPipe.fileHandleForWriting.write(input)
        try inPipe.fileHandleForWriting.close()
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A fresh temporary directory.
func temporaryDirectory(_ name: String) -> String {
    let dir = NSTemporaryDirectory() + "strata-diagram-\(name)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

// MARK: - Spec text edits

/// Reorders the declarations of a spec without changing its model: the top-level
/// blocks of `architecture` (gateways, services, stores) and the endpoints of
/// every service are reversed. A small scanner skips strings and comments.
func reorderDeclarations(_ text: String) -> String {
    let chars = Array(text.unicodeScalars)
    // Find blocks: (start of statement line, index after closing brace, depth at opening, keyword).
    struct Block { let start: Int; var end: Int; let depth: Int; let keyword: String; let parent: Int? }
    var blocks: [Block] = []
    var open: [Int] = []  // indices into blocks, or -1 for braces that are not tracked
    var depth = 0
    var i = 0
    var lineStart = 0
    while i < chars.count {
        let c = chars[i]
        if c == "\n" { lineStart = i + 1; i += 1; continue }
        if c == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
            while i < chars.count && chars[i] != "\n" { i += 1 }
            continue
        }
        if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
            i += 2
            while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
            i += 2
            continue
        }
        if c == "\"" {
            i += 1
            while i < chars.count && chars[i] != "\"" { if chars[i] == "\\" { i += 1 }; i += 1 }
            i += 1
            continue
        }
        if c == "{" {
            let head = String(String.UnicodeScalarView(chars[lineStart..<i])).trimmingCharacters(in: .whitespaces)
            let keyword = String(head.prefix { $0 != " " })
            blocks.append(Block(start: lineStart, end: -1, depth: depth, keyword: keyword, parent: open.last(where: { $0 >= 0 })))
            open.append(blocks.count - 1)
            depth += 1
        } else if c == "}" {
            depth -= 1
            if let b = open.popLast(), b >= 0 {
                var end = i + 1
                if end < chars.count && chars[end] == "\n" { end += 1 }
                blocks[b].end = end
            }
        }
        i += 1
    }
    // Reverse each run of sibling blocks of the given keywords (only whole-line blocks, contiguous up to blank lines and comments).
    func reversed(_ text: [Unicode.Scalar], siblings: [Block]) -> [Unicode.Scalar] {
        guard siblings.count > 1 else { return text }
        var out = text
        let pieces = siblings.map { Array(text[$0.start..<$0.end]) }
        // Replace from the end so that indices stay valid, putting piece k where piece (n-1-k) was.
        for (k, b) in siblings.enumerated().reversed() {
            out.replaceSubrange(b.start..<b.end, with: pieces[siblings.count - 1 - k])
        }
        return out
    }
    var out = chars
    // Endpoints first (deeper), from the last service to the first, then the top-level blocks.
    let services = blocks.indices.filter { blocks[$0].keyword == "service" }
    for s in services.reversed() {
        let endpoints = blocks.filter { $0.parent == s && $0.keyword == "endpoint" }
        out = reversed(out, siblings: endpoints)
    }
    // Recompute nothing: endpoint swaps keep each service's extent, so top-level indices are still valid.
    let top = blocks.enumerated().filter { ["gateway", "service", "store"].contains($0.element.keyword) && $0.element.depth == 1 }.map(\.element)
    // Endpoint reordering changed the content inside services but not their lengths.
    out = reversed(out, siblings: top)
    return String(String.UnicodeScalarView(out))
}

/// Adds a stateless service with one replica in `domain` before the architecture's closing brace.
func addingService(_ text: String, named name: String, in domain: String) -> String {
    guard let close = text.lastIndex(of: "}") else { return text }
    let service = """

      service \(name) {
        replicas 1 in \(domain)
        endpoint ping GET "/\(name)/ping" {
          budget 50ms
          work 1ms
        }
      }

    """
    return String(text[..<close]) + service + String(text[close...])
}

// MARK: - Generated large spec

/// A generated spec with `n` services in 8 IDC sets: four tiers, calls to the next tier, stores shared.
func generatedSpec(services n: Int) -> String {
    var s = "architecture generated {\n  description \"Generated: \(n) services\"\n  slo 99.9%\n  survive idc\n  topology {\n"
    for region in ["east", "west"] {
        s += "    region \(region) {\n"
        for city in ["a", "b"] {
            s += "      city \(region)-\(city) {\n"
            for idc in 1...2 { s += "        idc \(region)-\(city)\(idc) { racks 2 }\n" }
            s += "      }\n"
        }
        s += "    }\n"
    }
    s += "  }\n  sets {\n    stripe idc\n    route header \"x-user-id\" hash\n    failover nearest\n  }\n"
    s += "  access {\n    regional nearest\n  }\n"
    let tier = { (i: Int) in min(3, i * 4 / n) }
    let firstOf = { (t: Int) in (t * n + 3) / 4 }
    s += "  gateway edge {\n    replicas 2 per set\n    auth jwt\n    rate-limit 5000/s\n"
    for i in 0..<firstOf(1) { s += "    route \"/svc-\(i)\" -> svc-\(i)\n" }
    s += "  }\n  discovery {\n    mode registry\n    engine etcd\n    replicas 3 across idc\n  }\n"
    let stores = max(2, n / 10)
    for i in 0..<n {
        let t = tier(i)
        s += "  service svc-\(i) {\n    replicas \(2 + i % 2) per set\n"
        s += "    endpoint get GET \"/svc-\(i)/items/{id}\" {\n      budget \(100 * (4 - t))ms\n      work 2ms\n"
        if t < 3 {
            let lo = firstOf(t + 1), hi = firstOf(t + 2 > 4 ? 4 : t + 2)
            let count = max(1, hi - lo)
            s += "      call svc-\(lo + i % count).get timeout \(60 * (3 - t))ms\n"
            if i % 3 == 0 { s += "      call svc-\(lo + (i * 7) % count).get timeout \(60 * (3 - t))ms optional\n" }
        }
        s += "      read db-\(i % stores)\(i % 3 == 0 ? " local" : "")\n    }\n"
        s += "    endpoint create POST \"/svc-\(i)/items\" {\n      budget \(100 * (4 - t))ms\n      work 3ms\n      write db-\((i * 3) % stores)\n    }\n  }\n"
    }
    for k in 0..<stores {
        s += "  store db-\(k) {\n    engine postgres\n    consistency \(k % 3 == 2 ? "eventual" : "strong")\n    replicas 3 across idc\n"
        s += "    replication \(k % 3 == 2 ? "async" : "sync")\n  }\n"
    }
    s += "}\n"
    return s
}
