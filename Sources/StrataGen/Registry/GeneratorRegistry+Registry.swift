extension GeneratorRegistry {
    /// Registry generators: etcd cluster configuration or Consul service definitions.
    static var registryGenerators: [any Generator] { [RegistryGenerator()] }
}
