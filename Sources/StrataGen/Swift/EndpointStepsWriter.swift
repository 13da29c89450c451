import StrataModel

/// Writes the body of one endpoint's generated handler: one statement per declared step, in order,
/// each recording its outcome in `answer` (a `parallel` block runs its branches in a task group).
struct EndpointStepsWriter {
    let architecture: Architecture
    let service: Service
    let endpoint: Endpoint
    /// Store hook names by access (`read`/`write`) and store.
    let storeHook: (StoreAccessKind, String) -> String

    enum StoreAccessKind: String { case read, write }

    /// The statements, indented for the handler's closure body.
    func write(depth: Int) throws -> String {
        var writer = SwiftCodeWriter(depth: depth)
        for step in endpoint.steps {
            writer.line("// " + SwiftSource.comment(describe(step)))
            try writeOutcome(of: step, prefix: "try answer.add(", suffix: ")", into: &writer)
        }
        return writer.text
    }

    /// Writes the expression producing `[StepOutcome]` for `step`, wrapped in `prefix` … `suffix`.
    private func writeOutcome(of step: Step, prefix: String, suffix: String, into writer: inout SwiftCodeWriter) throws {
        switch step {
        case .work(let milliseconds, _):
            writer.line(prefix + "runtime.work(milliseconds: \(SwiftSource.number(milliseconds)))" + suffix)
        case .call(let call):
            guard let callee = architecture.endpoint(call.service, call.endpoint) else {
                throw GenerationError("\(service.name).\(endpoint.name) calls \(call.service).\(call.endpoint), which does not exist")
            }
            writer.block(prefix + "await runtime.call(CallDescriptor(", "), from: request)" + suffix) { w in
                w.line("service: \(SwiftSource.stringLiteral(call.service)), endpoint: \(SwiftSource.stringLiteral(call.endpoint)),")
                w.line("method: \(SwiftSource.stringLiteral(callee.method.rawValue)), path: \(SwiftSource.stringLiteral(callee.path)),")
                w.line("timeout: .milliseconds(\(SwiftSource.number(call.timeoutMilliseconds))), retries: \(call.retries), "
                    + "optional: \(call.optional), isAsync: \(call.async)")
            }
        case .read(let access):
            writeStore(.read, access, prefix: prefix, suffix: suffix, into: &writer)
        case .write(let access):
            writeStore(.write, access, prefix: prefix, suffix: suffix, into: &writer)
        case .parallel(let steps, _):
            try writer.block(prefix + "await runtime.parallel([", "])" + suffix) { w in
                for branch in steps {
                    w.line("// " + SwiftSource.comment(describe(branch)))
                    try writeOutcome(of: branch, prefix: "{ ", suffix: " },", into: &w)
                }
            }
        }
    }

    private func writeStore(_ kind: StoreAccessKind, _ access: StoreAccess, prefix: String, suffix: String, into writer: inout SwiftCodeWriter) {
        let local = access.local ? ", local: true" : ""
        writer.line(prefix + "await runtime.store(.\(kind.rawValue), \(SwiftSource.stringLiteral(access.store))\(local)) { "
            + "try await hooks.\(storeHook(kind, access.store))(request, endpoint: \(SwiftSource.stringLiteral(endpoint.name))) }" + suffix)
    }

    /// The step as written in the spec (for the comment above its code).
    func describe(_ step: Step) -> String {
        switch step {
        case .work(let milliseconds, _):
            return "work \(SwiftSource.number(milliseconds))ms"
        case .call(let call):
            var text = "call \(call.service).\(call.endpoint)"
            if call.timeoutDeclared { text += " timeout \(SwiftSource.number(call.timeoutMilliseconds))ms" }
            if call.retries > 0 { text += " retries \(call.retries)" }
            if call.optional { text += " optional" }
            if call.async { text += " async" }
            return text
        case .read(let access):
            return "read \(access.store)" + (access.local ? " local" : "") + placeholderNote
        case .write(let access):
            return "write \(access.store)" + placeholderNote
        case .parallel(let steps, _):
            return "parallel: \(steps.count) branch\(steps.count == 1 ? "" : "es") at once"
        }
    }

    private var placeholderNote: String { " (a placeholder until its hook is implemented)" }
}
