import StrataAnalysis
import StrataModel

/// `call-cycle`: the call graph has a cycle.
enum CallCycleRule {
    static let rule = Rule(
        name: "call-cycle", severity: .error,
        title: "the call graph has a cycle",
        doc: """
        Fires when endpoints call each other in a loop (including an endpoint calling itself). A request entering \
        the loop never finishes: each hop waits for the next until timeouts cascade, and the latency and failure \
        analyses cannot assign a cost to it. Break the cycle, typically by making one edge `async` through a queue \
        or by moving the shared logic into a service both sides call.
        """,
        run: { context in
            let graph = context.callGraph
            var findings: [Finding] = []
            for cycle in graph.cycles() {
                let members = Set(cycle)
                // Start at the alphabetically first endpoint of the cycle, so that the message and its
                // place do not depend on declaration order; report at its first call into the cycle.
                let from = cycle.min { graph.endpoints[$0] < graph.endpoints[$1] }!
                guard let edge = graph.calls[from].first(where: { members.contains($0.callee) }) else { continue }
                let chain = cyclePath(from: from, within: members, graph: graph).map { graph.endpoints[$0].description }
                findings.append(Finding(
                    "endpoints call each other in a cycle: " + chain.joined(separator: " -> "), at: edge.call.span,
                    label: "this call closes the cycle",
                    help: "make one call `async`, or move the shared logic into a service both call",
                    subject: .endpoint(service: graph.endpoints[from].service, endpoint: graph.endpoints[from].endpoint)))
            }
            return RuleOutcome(findings: findings)
        })
}

/// A shortest call path from `start` back to itself staying inside `members` (breadth-first).
private func cyclePath(from start: Int, within members: Set<Int>, graph: CallGraph) -> [Int] {
    var parent: [Int: Int] = [:]
    var queue = [start]
    var head = 0
    while head < queue.count {
        let v = queue[head]
        head += 1
        for (w, _) in graph.calls[v] where members.contains(w) {
            if w == start {
                // Walk the parents back from v to start, then read the cycle forwards.
                var reversed = [v]
                var cursor = v
                while cursor != start { cursor = parent[cursor]!; reversed.append(cursor) }
                return reversed.reversed() + [start]
            }
            if parent[w] == nil { parent[w] = v; queue.append(w) }
        }
    }
    return [start, start]
}
