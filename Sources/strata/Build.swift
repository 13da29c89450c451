import ArgumentParser
import StrataDiagnostics
import StrataDriver

/// `strata build`: compiles a spec into services, gateway and registry configs, deployment files and diagrams.
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile a spec into runnable services, configs, deployment files and diagrams.",
        discussion: """
            The spec is checked first; while errors remain nothing is written (unless --force). \
            Output is deterministic and written atomically: a failed build leaves the previous \
            output folder untouched, and files whose content did not change are not rewritten. \
            Handler files you own are created once and never overwritten.

            Targets: \(BuildPipeline.targetNames.joined(separator: ", ")) (default: all).

            Exit status: 0 built; 1 the spec has errors (nothing written); 2 usage or I/O error.

            Examples:
              strata build specs/shop.strata -o out
              strata build specs/shop.strata -o out --targets envoy,nginx,registry
              strata build specs/shop.strata -o out --templates my-templates
            """)

    @ArgumentParser.Argument(help: ArgumentHelp("The spec to build.", valueName: "spec"))
    var spec: String

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Output folder.", valueName: "dir"))
    var output: String

    @Option(help: ArgumentHelp("Comma-separated targets to build.", valueName: "targets"))
    var targets: String?

    @Option(help: ArgumentHelp("Folder of templates overriding the embedded ones, file by file.", valueName: "dir"))
    var templates: String?

    @Flag(help: "Generate even when the spec has rule errors (compiler errors always stop the build).")
    var force = false

    @Flag(help: "Never colour text output.")
    var noColor = false

    func validate() throws {
        _ = try validating { try BuildPipeline.targets(named: targets) }
    }

    func run() throws {
        let checked = try SpecInput.check(spec)
        let compilation = checked.compilation
        let pipeline = BuildPipeline(targets: try validating { try BuildPipeline.targets(named: targets) }, templatesDirectory: templates, force: force)
        let shown = checked.diagnostics.filter { $0.suppression == nil }
        let skipped = checked.skipped.map { SkippedCheck(rule: $0.rule, reason: $0.reason, file: spec) }
        if !shown.isEmpty || !skipped.isEmpty {
            let color = !noColor && Console.standardErrorWantsColor
            Console.writeError(TextRenderer(sources: compilation.sources, color: color, summary: true, skipped: skipped).render(shown))
        }
        switch pipeline.run(checked, specPath: spec, outputDirectory: output) {
        case .refused:
            Console.writeError("strata: error: \(VisibleText.escaped(spec)) has errors; nothing was written" + (compilation.hasErrors ? "\n" : " (use --force to build anyway)\n"))
            throw ExitCode(1)
        case .failed(let error):
            Console.writeError("strata: error: build failed, \(output) is unchanged: \(error)\n")
            throw ExitCode(2)
        case .written(let summary):
            try? Console.write("built \(output): \(summary.written.count) written, \(summary.unchanged.count) unchanged, "
                + "\(summary.keptUserOwned.count) kept (yours), \(summary.removed.count) removed\n")
        }
    }
}
