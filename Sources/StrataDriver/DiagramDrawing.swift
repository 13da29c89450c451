import StrataDiagnostics
import StrataDiagram

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An output format of `strata diagram`.
public enum DiagramFormat: String, CaseIterable, Sendable {
    case svg, dot, mermaid
}

/// What `strata diagram` draws, and how: validated from the command's arguments.
public struct DiagramRequest: Sendable {
    public let view: DiagramView
    /// The deepest level drawn as columns; nil for the view's default.
    public let detail: DiagramDetail?
    public let theme: DiagramTheme
    public let format: DiagramFormat
    /// Draw the checker's findings as badges and a findings panel.
    public let showFindings: Bool

    /// The request for the words after the spec (none or `topology`, `calls`, or `set NAME`),
    /// `--detail` (`idc` or `rack`) and `--theme` (`auto`, `light` or `dark`). `spec` is the spec's
    /// path, for the example in a usage error.
    public init(spec: String, view words: [String], detail: String?, theme: String, format: DiagramFormat, showFindings: Bool) throws(UsageError) {
        switch words.first {
        case nil, "topology":
            guard words.count <= 1 else { throw UsageError("the topology view takes no name (got '\(words[1])')") }
            view = .topology
        case "calls":
            guard words.count == 1 else { throw UsageError("the calls view takes no name (got '\(words[1])')") }
            view = .calls
        case "set":
            guard words.count == 2 else { throw UsageError("name the set to draw, e.g. 'strata diagram \(spec) set sh-a'") }
            view = .set(words[1])
        case let other?:
            throw UsageError("unknown view '\(other)'; views are topology, calls and set NAME")
        }
        if let detail {
            guard let level = DiagramDetail(rawValue: detail) else { throw UsageError("--detail \(detail): use idc or rack") }
            self.detail = level
        } else {
            self.detail = nil
        }
        guard let theme = DiagramTheme(rawValue: theme) else { throw UsageError("--theme \(theme): use auto, light or dark") }
        self.theme = theme
        self.format = format
        self.showFindings = showFindings
    }

    /// Lays the view out, with the rules' findings (when they ran) as badges. Fails for a set the spec does not have.
    public func layout(_ spec: AnalysedSpec) throws(DiagramError) -> Diagram {
        let options = DiagramOptions(view: view, detail: detail, showFindings: showFindings)
        do {
            return try DiagramBuilder.build(spec.analyses, findings: spec.findings, options: options)
        } catch let error as DiagramError {
            throw error
        } catch {
            throw DiagramError("\(error)")
        }
    }

    /// The laid-out diagram as SVG, DOT or Mermaid text.
    public func render(_ diagram: Diagram) -> String {
        switch format {
        case .svg: SVGRenderer(theme: theme).render(diagram)
        case .dot: DOTExporter().export(diagram)
        case .mermaid: MermaidExporter().export(diagram)
        }
    }
}

/// Wall-clock and CPU time of consecutive stages (`strata diagram --timings`, read by scripts/bench-diagram).
public struct StageTimer: Sendable {
    private let clock = ContinuousClock()
    private var mark: (ContinuousClock.Instant, Double)
    private var stages: [(name: String, wall: Duration, cpu: Double)] = []

    /// Starts timing the first stage.
    public init() {
        mark = (clock.now, Self.cpuSeconds())
    }

    /// Ends the current stage as `name` and starts the next.
    public mutating func lap(_ name: String) {
        let now = (clock.now, Self.cpuSeconds())
        stages.append((name, now.0 - mark.0, now.1 - mark.1))
        mark = now
    }

    /// `timings: compile and check 0.012s (cpu 0.011s), layout …` and a newline.
    public var summary: String {
        let parts = stages.map { "\($0.name) \(Self.seconds($0.wall))s (cpu \(Self.seconds(.milliseconds(Int(($0.cpu * 1000).rounded()))))s)" }
        return "timings: " + parts.joined(separator: ", ") + "\n"
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
}
