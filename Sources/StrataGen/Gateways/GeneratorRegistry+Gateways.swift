extension GeneratorRegistry {
    /// Gateway generators: Envoy and nginx configurations for every gateway and set.
    static var gatewayGenerators: [any Generator] { [EnvoyGenerator(), NginxGenerator()] }
}
