import StrataDiagnostics
import StrataModel

/// `quorum-overlap`: `consistency strong` with read quorum + write quorum ≤ N.
enum QuorumOverlapRule {
    static let rule = Rule(
        name: "quorum-overlap", severity: .error,
        title: "a strongly consistent store whose read and write quorums need not overlap",
        doc: """
        Fires for a store with `consistency strong` whose read quorum plus write quorum is at most its number of \
        voters N (the quorums come from `quorum read R write W`, else a majority for `replication sync` and 1 for \
        `async`). Strong consistency holds only when every read quorum shares a voter with every write quorum, which \
        needs R + W > N; otherwise a read can be answered entirely by voters that missed the latest acknowledged \
        write, and the store silently returns stale data. Raise R or W so that R + W > N (a majority for both always \
        works), or declare the weaker consistency the store really offers.
        """,
        run: { context in
            var findings: [Finding] = []
            for store in context.architecture.stores where store.consistency.value == .strong {
                let n = store.placement.count, r = store.readQuorum, w = store.writeQuorum
                guard r + w <= n else { continue }
                let perSet = store.placement.isStriped ? " per set" : ""
                var notes = ["a read of \(r) and a write of \(w) can fall on disjoint voters, so a read may miss the latest "
                    + "acknowledged write; strong consistency needs read + write > \(n)"]
                if store.quorumSpan == nil {
                    notes.append("no `quorum` is declared: `replication \(store.replication.value.rawValue)` defaults both quorums to "
                        + (store.replication.value == .sync ? "a majority" : "1"))
                }
                var secondary: [Label] = [Label(store.placement.span, ConfigurationSupport.count(n, "voter") + perSet)]
                if store.consistency.span != store.span {
                    secondary.append(Label(store.consistency.span, "strong consistency declared here"))
                }
                let write = n / 2 + 1, read = n - write + 1
                findings.append(Finding(
                    "store `\(store.name)` claims `consistency strong`, but read quorum \(r) + write quorum \(w) = \(r + w) "
                        + "does not exceed its \(ConfigurationSupport.count(n, "voter"))",
                    at: store.quorumSpan ?? store.span, label: "R + W = \(r + w) ≤ N = \(n)", secondary: secondary, notes: notes,
                    help: "make read + write exceed \(n), e.g. `quorum read \(read) write \(write)`, or declare the consistency the store really gives",
                    subject: .store(store.name)))
            }
            return RuleOutcome(findings: findings)
        })
}
