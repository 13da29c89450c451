extension GeneratorRegistry {
    /// Generators of this family (filled in by its implementation).
    static var gatewayGenerators: [any Generator] { [] }
}
