import StrataDiagnostics
import StrataModel

/// `stale-read`: a read that may return stale data where the endpoint cannot afford it.
enum StaleReadRule {
    static let rule = Rule(
        name: "stale-read", severity: .warning,
        title: "a read may return stale data where the endpoint needs fresh data",
        doc: """
        Fires on a `read STORE local` in an endpoint of a service that claims `cap cp`, and on a read that follows \
        a `write` of the same store in the same endpoint when the read is `local` or the store is neither \
        `consistency strong` nor `session`. A local read goes to the nearest replica, which may lag the leader, so \
        a service that promises consistency over availability would answer with stale data instead of refusing; \
        and reading back what the endpoint itself just wrote from a lagging replica breaks read-your-writes: the \
        request can miss its own write. Steps inside one `parallel` block run concurrently, so a read there does \
        not follow a write in the same block. Drop `local` to read from the leader, use the value the endpoint \
        already wrote instead of reading it back, or make the store `strong` (or `session`, which guarantees \
        read-your-writes).
        """,
        run: { context in
            let architecture = context.architecture
            var findings: [Finding] = []
            for service in architecture.services {
                for endpoint in service.endpoints {
                    var written: Set<String> = []
                    visit(endpoint.steps, written: &written) { access, afterWrite in
                        if let f = finding(access, afterWrite: afterWrite, service: service, endpoint: endpoint, in: architecture) {
                            findings.append(f)
                        }
                    }
                }
            }
            return RuleOutcome(findings: findings)
        })

    /// Walks steps in order, calling `read` for each read with whether the same store was written before it.
    /// Branches of a `parallel` block see only the writes before the block.
    private static func visit(_ steps: [Step], written: inout Set<String>, read: (StoreAccess, Bool) -> Void) {
        for step in steps {
            switch step {
            case .write(let access):
                written.insert(access.store)
            case .read(let access):
                read(access, written.contains(access.store))
            case .parallel(let branches, _):
                var after = written
                for branch in branches {
                    var seen = written
                    visit([branch], written: &seen, read: read)
                    after.formUnion(seen)
                }
                written = after
            case .work, .call:
                break
            }
        }
    }

    private static func finding(_ access: StoreAccess, afterWrite: Bool, service: Service, endpoint: Endpoint,
                                in architecture: Architecture) -> Finding? {
        guard let store = architecture.store(access.store) else { return nil }
        let readsFresh = store.consistency.value == .strong || store.consistency.value == .session
        let readYourWritesBroken = afterWrite && (access.local || !readsFresh)
        let subject = Subject.endpoint(service: service.name, endpoint: endpoint.name)
        let where_ = "\(service.name).\(endpoint.name)"
        if access.local, let cap = service.cap, cap.value == .cp {
            var notes = ["`local` reads the nearest replica, which may lag the leader; a `cap cp` service refuses rather than answer stale"]
            if afterWrite { notes.append("it also reads back \(store.name) after writing it in this endpoint") }
            return Finding(
                "service \(service.name) claims `cap cp`, but \(where_) reads \(store.name) local, from a replica that may be stale",
                at: access.span, label: "local read", secondary: [Label(cap.span, "consistency claimed here")], notes: notes,
                help: "drop `local` to read from the leader, or drop the `cap cp` claim", subject: subject)
        }
        guard readYourWritesBroken else { return nil }
        let how = access.local ? "\(store.name) local" : "\(store.name) (consistency \(describe(store.consistency.value)))"
        return Finding(
            "\(where_) reads \(how) after writing it: the replica it reads may not have the write yet",
            at: access.span, label: "read after write",
            notes: [access.local
                ? "`local` reads the nearest replica, which may lag the leader that took the write"
                : "`consistency \(describe(store.consistency.value))` does not guarantee that a read sees the caller's own earlier write"],
            help: access.local
                ? "drop `local` to read from the leader, or use the value the endpoint wrote instead of reading it back"
                : "make \(store.name) `consistency strong` or `session`, or use the value the endpoint wrote instead of reading it back",
            subject: subject)
    }

    private static func describe(_ consistency: Consistency) -> String {
        switch consistency {
        case .strong: "strong"
        case .session: "session"
        case .eventual: "eventual"
        case .bounded(let ms): "bounded " + (ms >= 1000 && ms.truncatingRemainder(dividingBy: 1000) == 0
            ? "\(Int(ms / 1000))s" : PlacementSupport.number(ms) + "ms")
        }
    }
}
