/// The block of a spec a finding is about: the model element it blames.
///
/// Rules attach one to every finding. `allow RULE "reason"` written in that block, or in
/// any block enclosing it, suppresses the finding; diagrams put the finding's badge on
/// that element; SARIF names it as the result's logical location.
public enum Subject: Hashable, Sendable {
    case architecture
    case sets
    case access
    /// One `cdn { path ... }` rule of the access layer, by its path.
    case cdn(path: String)
    case discovery
    case gateway(String)
    case service(String)
    case endpoint(service: String, endpoint: String)
    case store(String)

    /// `store orders-db`, `endpoint orders.create`, `architecture`.
    public var description: String {
        switch self {
        case .architecture: "architecture"
        case .sets: "sets"
        case .access: "access"
        case .cdn(let path): "cdn \(path)"
        case .discovery: "discovery"
        case .gateway(let name): "gateway \(name)"
        case .service(let name): "service \(name)"
        case .endpoint(let service, let endpoint): "endpoint \(service).\(endpoint)"
        case .store(let name): "store \(name)"
        }
    }
}
