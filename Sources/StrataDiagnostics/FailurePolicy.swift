/// Decides which diagnostics make `strata check` fail (exit code 1).
///
/// A diagnostic counts when it is not suppressed and either its severity is
/// at or above the threshold (`--fail-on`), or it is a compiler error from the
/// ``Catalogue`` (syntax and semantic errors always fail, whatever the threshold).
public struct FailurePolicy: Hashable, Sendable {
    /// The lowest severity that fails; `nil` means only compiler errors fail (`--fail-on none`).
    public let threshold: Severity?

    /// Creates a policy failing on findings at or above `threshold`.
    public init(failOn threshold: Severity?) {
        self.threshold = threshold
    }

    /// Fails on errors only: the default of `strata check`.
    public static let errors = FailurePolicy(failOn: .error)

    /// Fails on every unsuppressed finding.
    public static let everyFinding = FailurePolicy(failOn: .note)

    private static let compilerCodes: Set<String> = Set(Catalogue.all.map(\.id))

    /// True when `diagnostic` counts toward failure.
    public func fails(on diagnostic: Diagnostic) -> Bool {
        guard diagnostic.suppression == nil else { return false }
        if diagnostic.severity == .error, FailurePolicy.compilerCodes.contains(diagnostic.id) { return true }
        guard let threshold else { return false }
        return diagnostic.severity >= threshold
    }

    /// True when some diagnostic counts toward failure.
    public func fails(on diagnostics: [Diagnostic]) -> Bool {
        diagnostics.contains { fails(on: $0) }
    }
}
