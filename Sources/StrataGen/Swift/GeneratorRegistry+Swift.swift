extension GeneratorRegistry {
    /// Generators of this family: the Swift services package.
    static var serviceGenerators: [any Generator] { [SwiftServicesGenerator()] }
}
