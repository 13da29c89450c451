extension GeneratorRegistry {
    /// Diagram generators: topology, per-set and call-graph SVGs.
    static var diagramGenerators: [any Generator] { [DiagramGenerator()] }
}
