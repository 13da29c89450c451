import Testing
import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// Compiles a spec that must be free of compiler errors and returns its deployment. On errors it
/// records them (rendered) and throws, failing only the test that asked.
func deployment(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Deployment {
    let compilation = Compiler.compile(text: text)
    let rendered = TextRenderer(sources: compilation.sources, color: false).render(compilation.diagnostics)
    try #require(!compilation.hasErrors, "the spec does not compile:\n\(rendered)", sourceLocation: sourceLocation)
    let arch = try #require(compilation.architecture, sourceLocation: sourceLocation)
    return Deployment(arch, graph: CallGraph(arch))
}

func deployment(path: String) throws -> Deployment {
    let compilation = try Compiler.compile(path: path)
    let arch = try #require(compilation.architecture)
    return Deployment(arch, graph: CallGraph(arch))
}

extension Deployment {
    /// The domain (or set domain) named `name`; a test failure when there is none.
    func domain(_ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> DomainID {
        try #require(architecture.topology.domain(named: name), "no domain \(name)", sourceLocation: sourceLocation)
    }

    /// The names of domains, in order.
    func names(_ domains: [DomainID]) -> [String] {
        domains.map { architecture.topology[$0].name }
    }

    /// The machines of a component's instances, grouped per set slot as in ``instancesBySet``.
    func machines(_ component: ComponentID) -> [[String]] {
        guard let c = index(of: component) else { return [] }
        return instancesBySet[c].map { group in group.map { architecture.topology[$0.machine].name } }
    }

    /// The public endpoint serving `path` (first match).
    func publicEndpoint(_ endpoint: EndpointID, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> (index: Int, endpoint: PublicEndpoint) {
        let index = try #require(graph.publicEndpoints.firstIndex { $0.endpoint == endpoint }, "\(endpoint) is not public", sourceLocation: sourceLocation)
        return (index, graph.publicEndpoints[index])
    }
}
