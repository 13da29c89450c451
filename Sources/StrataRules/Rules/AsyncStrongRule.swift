import StrataDiagnostics
import StrataModel

/// `async-strong`: `consistency strong` or `session` with `replication async`.
enum AsyncStrongRule {
    static let rule = Rule(
        name: "async-strong", severity: .error,
        title: "strong or session consistency with asynchronous replication",
        doc: """
        Fires for a store that declares `consistency strong` or `session` together with `replication async`. \
        Asynchronous replication acknowledges a write before the other replicas have it, so a leader failure loses \
        acknowledged writes and a read from another replica can return older data: neither guarantee can hold. \
        (The two only meet when both are written: `strong` or `session` alone defaults to `sync`.) Use \
        `replication sync`, or declare the consistency the store really gives (`bounded 5s` or `eventual`).
        """,
        run: { context in
            var findings: [Finding] = []
            for store in context.architecture.stores where store.replication.value == .async {
                let claim: String
                switch store.consistency.value {
                case .strong: claim = "strong"
                case .session: claim = "session"
                default: continue
                }
                var secondary: [Label] = []
                if store.consistency.span != store.replication.span {
                    secondary.append(Label(store.consistency.span, "`consistency \(claim)` declared here"))
                }
                let guarantee = claim == "strong"
                    ? "every read to see the latest acknowledged write"
                    : "a client to read its own writes wherever its session lands"
                findings.append(Finding(
                    "store `\(store.name)` claims `consistency \(claim)` but replicates asynchronously",
                    at: store.replication.span, label: "acknowledges writes before replicas have them", secondary: secondary,
                    notes: ["`consistency \(claim)` promises \(guarantee); with `replication async` a leader failure loses "
                        + "acknowledged writes and a replica can serve data older than a write already confirmed"],
                    help: "use `replication sync`, or declare `consistency bounded 5s` or `eventual` if stale reads are acceptable",
                    subject: .store(store.name)))
            }
            return RuleOutcome(findings: findings)
        })
}
