/// What a renderer needs to know about one diagnostic id: the catalogue entry
/// of a compiler diagnostic, or the description of a checker rule.
///
/// SARIF lists descriptors as `rules`, JUnit turns each into a test case, and
/// `strata explain` prints them. Build them from the catalogue with
/// ``catalogue``; checker rules provide their own.
public struct RuleDescriptor: Hashable, Sendable {
    /// The id diagnostics carry: a catalogue code such as `E0103`, or a rule name such as `survival`.
    public let id: String
    /// Stable kebab-case name, e.g. `unterminated-string` (equal to `id` for checker rules).
    public let name: String
    /// One-line title.
    public let title: String
    /// The paragraph(s) shown by `strata explain`.
    public let explanation: String
    /// General advice on fixing it, when there is one.
    public let help: String?
    /// Severity of its findings unless configured otherwise.
    public let defaultSeverity: Severity

    /// Creates a descriptor.
    public init(id: String, name: String, title: String, explanation: String, help: String? = nil, defaultSeverity: Severity) {
        self.id = id
        self.name = name
        self.title = title
        self.explanation = explanation
        self.help = help
        self.defaultSeverity = defaultSeverity
    }

    /// The descriptor of a catalogue entry.
    public init(_ kind: DiagnosticKind) {
        self.init(id: kind.id, name: kind.name, title: kind.title, explanation: kind.explanation,
                  help: kind.defaultHelp, defaultSeverity: kind.severity)
    }

    /// One descriptor per compiler diagnostic of ``Catalogue/all``, in code order.
    public static let catalogue: [RuleDescriptor] = Catalogue.all.map(RuleDescriptor.init)

    /// A stand-in for a diagnostic id that no descriptor describes, so every
    /// finding still has a rule entry to point at.
    public static func undocumented(id: String, severity: Severity) -> RuleDescriptor {
        RuleDescriptor(id: id, name: id, title: id, explanation: "No description is available for `\(id)`.",
                       defaultSeverity: severity)
    }

    /// Finds a descriptor by id or name, ignoring case (`E0103`, `e0103`, `unterminated-string`).
    public static func lookup(_ key: String, in descriptors: [RuleDescriptor]) -> RuleDescriptor? {
        let wanted = key.lowercased()
        return descriptors.first { $0.id.lowercased() == wanted || $0.name.lowercased() == wanted }
    }
}

/// The descriptors a renderer reports on: the given ones (first occurrence of
/// each id wins) followed by stand-ins for ids that occur only in diagnostics,
/// sorted by id. Indexes are stable for one rendering.
struct RuleTable {
    let descriptors: [RuleDescriptor]
    private let indexByID: [String: Int]

    init(_ given: [RuleDescriptor], covering diagnostics: [Diagnostic]) {
        var descriptors: [RuleDescriptor] = []
        var indexByID: [String: Int] = [:]
        for descriptor in given where indexByID[descriptor.id] == nil {
            indexByID[descriptor.id] = descriptors.count
            descriptors.append(descriptor)
        }
        var missing: [String: Severity] = [:]
        for diagnostic in diagnostics where indexByID[diagnostic.id] == nil {
            missing[diagnostic.id] = max(missing[diagnostic.id] ?? diagnostic.severity, diagnostic.severity)
        }
        for id in missing.keys.sorted() {
            indexByID[id] = descriptors.count
            descriptors.append(.undocumented(id: id, severity: missing[id]!))
        }
        self.descriptors = descriptors
        self.indexByID = indexByID
    }

    /// Position of the descriptor for `id` in ``descriptors``.
    func index(of id: String) -> Int? { indexByID[id] }

    /// The descriptor for `id`.
    func descriptor(for id: String) -> RuleDescriptor? { indexByID[id].map { descriptors[$0] } }
}
