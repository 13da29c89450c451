import ArgumentParser
import StrataDriver

extension OutputFormat: ExpressibleByArgument {}
extension FailOnLevel: ExpressibleByArgument {}
extension DiagramFormat: ExpressibleByArgument {}

/// Runs `body`, reporting the driver's usage errors as ArgumentParser's (the same message, the
/// usage line, exit status 2).
func validating<Value>(_ body: () throws -> Value) throws -> Value {
    do {
        return try body()
    } catch let error as UsageError {
        throw ValidationError(error.message)
    }
}
