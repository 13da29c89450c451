import StrataDiagnostics

/// `report`: the checker's findings on the spec, as `strata check` would write them:
/// `report/check.sarif` (SARIF 2.1.0, for code-scanning uploads) and `report/check.json`
/// (strata's JSON schema). Suppressed findings are included, marked as such.
struct ReportGenerator: Generator {
    var target: BuildTarget { .report }

    func generate(_ input: GenerationInput) throws -> [Artifact] {
        guard let sources = input.sources else {
            throw GenerationError("the report target needs the spec's source files (GenerationInput.sources)")
        }
        let diagnostics = input.check.diagnostics
        let rules = input.ruleDescriptors
        return [
            Artifact(path: "report/check.sarif", contents: SARIFRenderer(sources: sources, rules: rules).render(diagnostics)),
            Artifact(path: "report/check.json", contents: JSONRenderer(sources: sources, rules: rules).render(diagnostics)),
        ]
    }
}
