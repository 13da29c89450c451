import ArgumentParser
import Foundation
import StrataDiagnostics
import StrataDiagram
import StrataDriver

/// `strata diagram SPEC [VIEW [NAME]]`: an SVG (or DOT, Mermaid, PNG) of the architecture for design reviews.
struct Diagram: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw an architecture as SVG for design reviews (or export it as DOT or Mermaid).",
        discussion: """
            Views:
              topology    failure domains as columns, tiers as rows, sets boxed (default)
              calls       the endpoint call graph, with the p99 cost of every hop
              set NAME    one set in detail: its domain down to racks, and what it uses

            In the topology, identical replicas in one column collapse into one box \
            marked ×N; what each set owns is drawn inside its set box, what the sets \
            share beneath it.

            The layout is structural and deterministic: the same spec always gives the same \
            bytes, whatever the order of its declarations. The checker's findings appear as \
            numbered badges on the elements they blame and in a findings panel (--no-findings \
            hides them). The SVG carries a light and a dark theme chosen by the viewer's \
            prefers-color-scheme (--theme light|dark keeps one).

            --png renders the SVG with rsvg-convert (Debian/Ubuntu: apt-get install \
            librsvg2-bin; macOS: brew install librsvg).

            Exit status: 0 drawn; 1 the spec has compile errors (nothing is drawn); 2 usage \
            or I/O error, an unknown set, or --png without rsvg-convert.

            Examples:
              strata diagram specs/shop.strata -o shop.svg
              strata diagram specs/shop.strata calls -o calls.svg
              strata diagram specs/shop.strata set sh-a --png -o sh-a.png
              strata diagram specs/shop.strata --detail rack --theme dark -o racks.svg
              strata diagram specs/shop.strata --format dot | dot -Tsvg > graphviz.svg
            """)

    /// Output formats.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case svg, dot, mermaid
    }

    @ArgumentParser.Argument(help: ArgumentHelp("The spec to draw.", valueName: "spec"))
    var spec: String

    @ArgumentParser.Argument(help: ArgumentHelp("The view: topology (default), calls, or set NAME.", valueName: "view"))
    var view: [String] = []

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Output file ('-' or none: standard output).", valueName: "file"))
    var output: String?

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("svg (default), dot or mermaid.", valueName: "format"))
    var format: Format = .svg

    @Option(help: ArgumentHelp("Columns down to idc (topology default) or rack (set default).", valueName: "level"))
    var detail: String?

    @Option(help: ArgumentHelp("auto (light and dark by prefers-color-scheme), light or dark.", valueName: "theme"))
    var theme: String = "auto"

    @Flag(help: "Leave out the finding badges and the findings panel.")
    var noFindings = false

    @Flag(help: "Write a PNG rendered by rsvg-convert instead of the SVG (needs --output).")
    var png = false

    @Flag(help: "Never colour the diagnostics of a spec with errors.")
    var noColor = false

    @Flag(help: "Print how long each stage took to standard error (for scripts/bench-diagram).")
    var timings = false

    func validate() throws {
        _ = try diagramView()
        if let detail, DiagramDetail(rawValue: detail) == nil {
            throw ValidationError("--detail \(detail): use idc or rack")
        }
        if DiagramTheme(rawValue: theme) == nil {
            throw ValidationError("--theme \(theme): use auto, light or dark")
        }
        if png {
            if format != .svg { throw ValidationError("--png renders the SVG; it cannot be combined with --format \(format.rawValue)") }
            guard let output, output != "-" else { throw ValidationError("--png needs --output FILE.png") }
        }
    }

    /// The view named by the positional arguments.
    func diagramView() throws -> DiagramView {
        switch view.first {
        case nil, "topology":
            guard view.count <= 1 else { throw ValidationError("the topology view takes no name (got '\(view[1])')") }
            return .topology
        case "calls":
            guard view.count == 1 else { throw ValidationError("the calls view takes no name (got '\(view[1])')") }
            return .calls
        case "set":
            guard view.count == 2 else { throw ValidationError("name the set to draw, e.g. 'strata diagram \(spec) set sh-a'") }
            return .set(view[1])
        case let other?:
            throw ValidationError("unknown view '\(other)'; views are topology, calls and set NAME")
        }
    }

    func run() throws {
        let clock = ContinuousClock()
        var stages: [(String, Duration, Double)] = []
        var mark = (clock.now, Diagram.cpuSeconds())
        func lap(_ name: String) {
            let now = (clock.now, Diagram.cpuSeconds())
            stages.append((name, now.0 - mark.0, now.1 - mark.1))
            mark = now
        }
        defer {
            if timings {
                let parts = stages.map { "\($0.0) \(Diagram.seconds($0.1))s (cpu \(Diagram.seconds(.milliseconds(Int(($0.2 * 1000).rounded()))))s)" }
                Console.writeError("timings: " + parts.joined(separator: ", ") + "\n")
            }
        }
        let (checked, analyses) = try SpecInput.checked(spec, noColor: noColor, nothing: "drawn")
        lap("compile and check")
        let options = DiagramOptions(view: try diagramView(), detail: detail.flatMap(DiagramDetail.init(rawValue:)), showFindings: !noFindings)
        let diagram: StrataDiagram.Diagram
        do {
            diagram = try DiagramBuilder.build(analyses, findings: checked.report?.diagnostics ?? [], options: options)
        } catch let error as DiagramError {
            Console.writeError("strata: error: \(error)\n")
            throw ExitCode(2)
        }
        lap("layout")
        let text: String = switch format {
        case .svg: SVGRenderer(theme: DiagramTheme(rawValue: theme) ?? .auto).render(diagram)
        case .dot: DOTExporter().export(diagram)
        case .mermaid: MermaidExporter().export(diagram)
        }
        lap("render")
        if png {
            try writePNG(svg: text, to: output!)
            return
        }
        do {
            if let output, output != "-" { try AtomicFile.write(Array(text.utf8), to: output, createDirectories: true) } else { try Console.write(text) }
        } catch {
            Console.writeError("strata: error: cannot write \(error)\n")
            throw ExitCode(2)
        }
        lap("write")
    }

    /// CPU time used by this process so far, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        #else
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #endif
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// Seconds with millisecond precision, e.g. `0.042`.
    static func seconds(_ d: Duration) -> String {
        let ms = Int((Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15).rounded())
        let frac = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    /// Pipes the SVG through `rsvg-convert`, or explains how to get it.
    private func writePNG(svg: String, to path: String) throws {
        guard let converter = Diagram.findExecutable("rsvg-convert") else {
            Console.writeError("""
                strata: error: --png needs rsvg-convert, which is not installed.
                  Debian/Ubuntu: sudo apt-get install librsvg2-bin
                  macOS:         brew install librsvg
                  or write the SVG (-o FILE.svg) and open it in a browser.

                """)
            throw ExitCode(2)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: converter)
        process.arguments = ["--format", "png", "--output", path]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        do {
            try process.run()
        } catch {
            Console.writeError("strata: error: cannot run \(converter): \(error)\n")
            throw ExitCode(2)
        }
        input.fileHandleForWriting.write(Data(svg.utf8))
        try? input.fileHandleForWriting.close()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Console.writeError("strata: error: rsvg-convert failed: \(String(decoding: message, as: UTF8.self))\n")
            throw ExitCode(2)
        }
    }

    /// The first executable named `name` on `PATH`.
    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
