/// Identifies the tool in machine-readable reports (JSON, SARIF).
public struct ToolInfo: Hashable, Sendable {
    /// Tool name, e.g. `strata`.
    public let name: String
    /// Semantic version of the tool.
    public let version: String
    /// Where users find documentation about the tool.
    public let informationURI: String

    /// Creates a tool description.
    public init(name: String, version: String, informationURI: String) {
        self.name = name
        self.version = version
        self.informationURI = informationURI
    }

    /// This build of Strata. `strata --version` prints ``version``.
    public static let strata = ToolInfo(
        name: "strata", version: "0.1.0",
        informationURI: "https://github.com/strata-arch/strata")
}
