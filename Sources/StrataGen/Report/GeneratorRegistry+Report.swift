extension GeneratorRegistry {
    /// Report generators: the checker's findings as SARIF and JSON.
    static var reportGenerators: [any Generator] { [ReportGenerator()] }
}
