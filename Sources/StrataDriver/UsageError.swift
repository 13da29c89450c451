/// A mistake in how a command was invoked (an unknown format, a rule that does not exist, …).
///
/// The driver does not know the command-line parser; a front end reports this as its own
/// usage error, with the same message (the `strata` CLI: exit status 2 and the usage line).
public struct UsageError: Error, CustomStringConvertible, Hashable, Sendable {
    /// What is wrong, in one line, often with the fix.
    public let message: String

    /// A usage error saying `message`.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
