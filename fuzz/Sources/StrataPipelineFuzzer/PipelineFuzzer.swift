import Foundation
import FuzzSupport
import StrataAnalysis
import StrataDiagnostics
import StrataDiagram
import StrataDriver
import StrataGen
import StrataModel
import StrataSyntax

// libFuzzer harness over every command path, through the pipeline driver, from raw bytes
// (same multi-file input layout as the front-end harness, see FuzzSupport):
//
// - `check` in every output format (text, json, sarif, github, junit), with `--report`
//   (as `CheckRun.render` does it, but from the in-memory files);
// - `simulate` with a domain picked from the input, and an unknown one;
// - `diagram` in every view (topology, calls, each set) and format (svg, dot, mermaid);
// - `build` of every target into memory (`BuildPipeline.artifacts`, nothing written).
//
// Simulate, diagram and build run only for inputs that compile without errors, and
// diagram and build only for architectures of at most `maxServices` services, whose
// cost grows with the size. Invariants: JSON and SARIF parse, the JSON output is the
// same bytes when the whole input is checked again, build artifacts stay inside the
// output folder and come out the same on a second build.

/// Above this many services, diagrams and builds are skipped (their cost grows with the size).
let maxServices = 40
/// At most this many sets are drawn one by one.
let maxSetViews = 6

/// A small deterministic choice from the input's bytes (libFuzzer wants one input to run one way).
func pick(_ bytes: UnsafeBufferPointer<UInt8>, _ count: Int, salt: Int) -> Int {
    guard count > 0 else { return 0 }
    var h = UInt64(truncatingIfNeeded: salt &* 0x9E37_79B9) ^ UInt64(bytes.count)
    for b in bytes.suffix(32) { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return Int(h % UInt64(count))
}

func requireJSON(_ text: String, _ what: String) {
    let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8))
    require(parsed is [String: Any], "\(what) output is not a JSON object:\n\(text.prefix(2000))")
}

/// `strata check --report` in `formats`, as `CheckRun` renders one spec.
func renderCheck(_ checked: CheckedSpec, _ formats: [OutputFormat] = OutputFormat.allCases) -> [OutputFormat: String] {
    let sources = checked.compilation.sources
    let diagnostics = checked.diagnostics
    let file = FuzzInput.rootPath
    let skipped: [SkippedCheck] = checked.report == nil
        ? [SkippedCheck(rule: nil, reason: "the spec has errors, so no rule ran", file: file)]
        : checked.skipped.map { SkippedCheck(rule: $0.rule, reason: $0.reason, file: file) }
    let report = SpecReport(file: file, checked: checked)
    let rules = Pipeline.ruleDescriptors
    var out: [OutputFormat: String] = [:]
    for format in formats {
        switch format {
        case .text:
            out[format] = TextRenderer(sources: sources, color: false, summary: true, skipped: skipped).render(diagnostics) + "\n" + report.text
        case .json:
            out[format] = JSONRenderer(sources: sources, rules: rules, skipped: skipped, sections: ["report": .array([report.json])]).render(diagnostics)
        case .sarif:
            out[format] = SARIFRenderer(sources: sources, rules: rules, skipped: skipped, overrides: []).render(diagnostics)
        case .github:
            out[format] = GitHubRenderer(sources: sources, skipped: skipped).render(diagnostics)
        case .junit:
            out[format] = JUnitRenderer(sources: sources, rules: rules, failurePolicy: FailOnLevel.warning.policy, skipped: skipped).render(diagnostics)
        }
    }
    return out
}

func checkSpec(_ input: FuzzInput) -> CheckedSpec {
    Pipeline.check(Pipeline.compile(loadInput(input)))
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard size <= maxInputBytes else { return -1 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let input = FuzzInput(bytes)
    let checked = checkSpec(input)
    let compilation = checked.compilation
    let sources = compilation.sources

    // check: the rules' findings point into the loaded files, and every format renders.
    for d in checked.report?.diagnostics ?? [] {
        requireInBounds(d.primary.span, sources, "finding \(d.id) `\(d.message)`")
        for label in d.secondary { requireInBounds(label.span, sources, "secondary label of finding \(d.id)") }
        require(!d.message.isEmpty, "finding \(d.id) has an empty message")
    }
    require(checked.diagnostics.count == compilation.diagnostics.count + (checked.report?.diagnostics.count ?? 0), "sorting lost diagnostics")
    let rendered = renderCheck(checked)
    requireJSON(rendered[.json]!, "check --format json --report")
    requireJSON(rendered[.sarif]!, "check --format sarif")
    // GitHub workflow commands: one per line, so no CR may start another (and every line is a command).
    let github = rendered[.github]!
    require(!github.utf8.contains(0x0D), "github output holds a carriage return")
    for line in github.utf8.split(separator: 0x0A) {
        require(line.starts(with: "::".utf8), "github output line is not a workflow command: \(String(decoding: line.prefix(300), as: UTF8.self))")
    }

    // Everything below needs a spec that compiled without errors.
    guard let spec = checked.analysed, !compilation.hasErrors else { return 0 }
    let architecture = spec.analyses.architecture

    // Deterministic output: the same input, checked again from scratch, renders the same JSON.
    let again = renderCheck(checkSpec(input), [.json])
    require(again[.json] == rendered[.json], "check --format json differs between two runs of the same input")

    // simulate: one domain the spec has (picked from the input), two together, and one it lacks.
    let topology = architecture.topology
    let named = topology.domains.filter { $0.level != .global }
    var failing: [[String]] = [["idc:no-such-domain"], ["region"]]
    if !named.isEmpty {
        let first = named[pick(bytes, named.count, salt: 1)]
        let second = named[pick(bytes, named.count, salt: 2)]
        failing.append(["\(first.level):\(first.name)"])
        failing.append(["\(first.level):\(first.name)", "\(second.level):\(second.name)"])
    }
    for values in failing {
        do {
            let answer = try SimulationText.answer(spec, path: FuzzInput.rootPath, failing: values, verbose: true)
            require(!answer.text.isEmpty, "simulate --fail \(values) answered nothing")
        } catch {
            switch error {
            case .unknownDomain(let problem):
                require(!problem.message.isEmpty, "simulate --fail \(values): empty problem")
            case .callCycle:
                break
            }
        }
    }

    // diagram and build: only for architectures small enough to lay out quickly.
    guard architecture.services.count <= maxServices else { return 0 }
    var views: [[String]] = [["topology"], ["calls"], ["set", "no-such-set"]]
    views += architecture.sets.prefix(maxSetViews).map { ["set", $0.name] }
    let details: [String?] = [nil, "idc", "rack"]
    for (index, words) in views.enumerated() {
        let detail = details[pick(bytes, details.count, salt: 10 + index)]
        let theme = DiagramTheme.allCases[pick(bytes, DiagramTheme.allCases.count, salt: 20 + index)]
        let requests = DiagramFormat.allCases.compactMap {
            try? DiagramRequest(spec: FuzzInput.rootPath, view: words, detail: detail, theme: theme.rawValue, format: $0, showFindings: true)
        }
        require(requests.count == DiagramFormat.allCases.count, "diagram request for \(words) refused")
        guard let diagram = try? requests[0].layout(spec) else {
            require(words == ["set", "no-such-set"], "diagram \(words) failed to lay out")
            continue
        }
        for request in requests {
            require(!request.render(diagram).isEmpty, "diagram \(words) as \(request.format) is empty")
        }
    }

    // build: every target, into memory.
    do {
        let artifacts = try BuildPipeline().artifacts(for: checked, specPath: FuzzInput.rootPath)
        var paths: Set<String> = []
        for artifact in artifacts {
            let path = artifact.path
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            require(!path.isEmpty && !path.hasPrefix("/") && !parts.contains("..") && !parts.contains("") && !path.contains("\0"),
                    "build artifact path escapes the output folder: \(path.debugDescription)")
            require(paths.insert(path).inserted, "build emits \(path.debugDescription) twice")
        }
    } catch {
        // A generation error is a user-facing refusal, not a crash; it must say something.
        require(!"\(error)".isEmpty, "build failed without a message")
    }
    return 0
}

/// SwiftPM links executables with `--defsym main=<module>_main`; hand control to libFuzzer.
@_cdecl("StrataPipelineFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOne)
}

/// libFuzzer's own `main` (pulled from its archive by the linker) refers to this symbol.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOne(data, size) }
