import ArgumentParser
import StrataDriver

/// `strata diagram SPEC [VIEW [NAME]]`: an SVG (or DOT, Mermaid, PNG) of the architecture for design reviews.
struct Diagram: AsyncParsableCommand {
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

    @ArgumentParser.Argument(help: ArgumentHelp("The spec to draw.", valueName: "spec"))
    var spec: String

    @ArgumentParser.Argument(help: ArgumentHelp("The view: topology (default), calls, or set NAME.", valueName: "view"))
    var view: [String] = []

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Output file ('-' or none: standard output).", valueName: "file"))
    var output: String?

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("svg (default), dot or mermaid.", valueName: "format"))
    var format: DiagramFormat = .svg

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
        _ = try request()
        if png {
            if format != .svg { throw ValidationError("--png renders the SVG; it cannot be combined with --format \(format.rawValue)") }
            guard let output, output != "-" else { throw ValidationError("--png needs --output FILE.png") }
        }
    }

    /// The view, detail and theme, validated.
    func request() throws -> DiagramRequest {
        try validating {
            try DiagramRequest(spec: spec, view: view, detail: detail, theme: theme, format: format, showFindings: !noFindings)
        }
    }

    func run() async throws {
        var timer = StageTimer()
        defer { if timings { Console.writeError(timer.summary) } }
        let analysed = try SpecInput.analysed(spec, noColor: noColor, nothing: "drawn")
        timer.lap("compile and check")
        let request = try request()
        let text: String
        do {
            let diagram = try request.layout(analysed)
            timer.lap("layout")
            text = request.render(diagram)
        } catch {
            Console.writeError("strata: error: \(error)\n")
            throw ExitCode(2)
        }
        timer.lap("render")
        if png, let output {
            do {
                try await PNGConverter.convert(svg: text, to: output)
            } catch {
                Console.writeError("strata: error: \(error)\n")
                throw ExitCode(2)
            }
            return
        }
        do {
            if let output, output != "-" { try AtomicFile.write(Array(text.utf8), to: output, createDirectories: true) } else { try Console.write(text) }
        } catch {
            Console.writeError("strata: error: cannot write \(error)\n")
            throw ExitCode(2)
        }
        timer.lap("write")
    }
}
