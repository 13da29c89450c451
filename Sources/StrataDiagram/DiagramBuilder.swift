import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// Entry point: lays out one view of an architecture with the checker's findings.
public enum DiagramBuilder {
    /// The laid-out diagram of `options.view`. Throws ``DiagramError`` for a set that does not exist.
    ///
    /// `findings` are the checker's diagnostics (suppressed ones are left out);
    /// each becomes a numbered badge on the element it blames: the drawn element of its
    /// ``Diagnostic/subject`` (an endpoint's service box in the topology, the title when the
    /// view draws nothing of it).
    /// Every text from the spec is escaped and cut as all outputs show it (``ShownText``) before layout.
    /// The architecture and its analyses come from the pipeline (the calls view reads the shared
    /// deployment and prices edges with a latency model of its own).
    public static func build(_ analyses: ArchitectureAnalyses, findings: [Diagnostic] = [], options: DiagramOptions = DiagramOptions()) throws -> Diagram {
        let architecture = analyses.architecture
        let prepared = options.showFindings ? PreparedFinding.ordered(findings, in: architecture) : []
        var scene: Scene
        switch options.view {
        case .topology:
            scene = TopologySceneBuilder(architecture: architecture, callGraph: analyses.callGraph, leafLevel: options.detail == .rack ? .rack : .idc,
                                         focusSet: nil, findings: prepared).build()
        case .set(let name):
            guard let index = architecture.sets.firstIndex(where: { $0.name == name }) else {
                let names = architecture.sets.map(\.name).joined(separator: ", ")
                throw DiagramError("\(architecture.name) has no set named `\(name)`; its sets: \(names)")
            }
            scene = TopologySceneBuilder(architecture: architecture, callGraph: analyses.callGraph, leafLevel: options.detail == .idc ? .idc : .rack,
                                         focusSet: index, findings: prepared).build()
        case .calls:
            scene = CallsSceneBuilder(analyses: analyses, findings: prepared).build()
        }
        scene.showText()
        return GridLayout(scene: scene, showFindings: options.showFindings).layout()
    }

    /// The same for an architecture outside the pipeline (tests, tools): its analyses are built here.
    public static func build(_ architecture: Architecture, findings: [Diagnostic] = [], options: DiagramOptions = DiagramOptions()) throws -> Diagram {
        try build(ArchitectureAnalyses(architecture), findings: findings, options: options)
    }
}
