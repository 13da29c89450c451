import StrataDiagram
import StrataGen
import StrataModel

/// `diagram`: SVG diagrams for design reviews, with the checker's findings as numbered badges.
///
/// - `diagrams/topology.svg`: failure domains as columns, tiers as rows, sets boxed in their domains
/// - `diagrams/set-NAME.svg`: one per set, its domain down to racks and what it depends on
/// - `diagrams/calls.svg`: the endpoint call graph with per-hop p99 costs
///
/// Every SVG carries a light and a dark theme (the viewer's `prefers-color-scheme` picks one).
struct DiagramGenerator: Generator {
    var target: BuildTarget { .diagram }

    func generate(_ input: GenerationInput) throws -> [Artifact] {
        let a = input.architecture
        var views: [(path: String, view: DiagramView)] = [("diagrams/topology.svg", .topology), ("diagrams/calls.svg", .calls)]
        for set in a.sets.sorted(by: { $0.name < $1.name }) { views.append(("diagrams/set-\(set.name).svg", .set(set.name))) }
        let renderer = SVGRenderer(theme: .auto)
        return try views.map { path, view in
            do {
                let diagram = try DiagramBuilder.build(input.analyses, findings: input.check.diagnostics, options: DiagramOptions(view: view))
                return Artifact(path: path, contents: renderer.render(diagram))
            } catch let error as DiagramError {
                throw GenerationError("\(path): \(error)")
            }
        }
    }
}
