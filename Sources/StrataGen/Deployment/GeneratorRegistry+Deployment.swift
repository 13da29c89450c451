extension GeneratorRegistry {
    /// Generators of this family (filled in by its implementation).
    static var deploymentGenerators: [any Generator] { [] }
}
