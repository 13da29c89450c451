import StrataAnalysis
import StrataDiagnostics
import StrataModel

/// `strata check --report`: per public endpoint and set, the figures behind
/// the latency, failover and availability rules.
///
/// Text (after the diagnostics) is one table per spec:
///
/// ```
/// report for shop (specs/shop.strata): survive idc, 8 single failures simulated
/// endpoint       route             set   p99 / budget    p99 after worst idc loss  availability / SLO   breaks when losing
/// orders.create  POST /api/orders  sh-a  19.5ms / 400ms  20.5ms (idc sh-a)         99.9922% / 99.9500%  —
/// note: p99 latencies add up along the path (a documented approximation)
/// note: availability figures are an estimate: …
/// ```
///
/// The failover column shows `(unchanged)` instead of a failure when no single
/// loss at the survive level raises the p99.
///
/// JSON (`--format json --report`) adds a top-level `report` array, one
/// object per spec:
///
/// ```
/// {"file": "specs/shop.strata", "architecture": "shop" or null, "survive": "idc" or null,
///  "simulatedFailures": 8, "availabilityMethod": "estimate: …",
///  "unavailable": null or "why there are no figures",
///  "rows": [{"endpoint": "orders.create", "method": "POST", "path": "/api/orders", "set": "sh-a",
///            "p99Ms": 19.5, "budgetMs": 400, "failoverP99Ms": 20.5, "worstFailure": "idc sh-a",
///            "availability": 0.999922, "slo": 0.9995, "breaksWhenLosing": null}]}
/// ```
///
/// Missing figures are null in JSON and `—` in text; availabilities are fractions in JSON.
public struct SpecReport: Sendable {
    /// The spec as given on the command line.
    public let file: String
    public let architecture: Architecture?
    public let report: EndpointReport?
    /// Why there are no figures, when there are none.
    public let unavailable: String?

    /// The report of a checked spec (figures only when it compiled without errors and its call graph is acyclic).
    public init(file: String, checked: CheckedSpec) {
        self.file = file
        guard let analyses = checked.analyses else {
            self.architecture = nil
            report = nil
            unavailable = "the spec has errors"
            return
        }
        architecture = analyses.architecture
        let report = analyses.report
        self.report = report
        unavailable = report.isComplete ? nil : "the call graph has a cycle (see call-cycle)"
    }

    /// The text table, its heading and the note on how the figures were obtained.
    public var text: String {
        guard let architecture, let report, unavailable == nil else {
            return "report for \(VisibleText.escaped(file)): not available, \(unavailable ?? "no figures")\n"
        }
        var out = "report for \(architecture.name) (\(VisibleText.escaped(file))): survive \(report.survive), "
            + "\(report.simulatedFailures) single failure\(report.simulatedFailures == 1 ? "" : "s") simulated\n"
        guard !report.rows.isEmpty else { return out + "no public endpoints (no gateway routes to an endpoint)\n" }
        let header = ["endpoint", "route", "set", "p99 / budget", "p99 after worst \(report.survive) loss",
                      "availability / SLO", "breaks when losing"]
        let rows = report.rows.map { row in
            [row.endpoint.description, "\(row.method) \(row.path)", row.set,
             "\(milliseconds(row.latency)) / \(milliseconds(row.budget))",
             failover(row),
             "\(row.availability.map(percent) ?? SpecReport.none) / \(row.slo.map(percent) ?? SpecReport.none)",
             row.breaksWhenLosing ?? SpecReport.none]
        }
        out += SpecReport.table([header] + rows)
        out += "note: p99 latencies add up along the path (a documented approximation)\n"
        out += "note: availability figures are an \(AvailabilityModel.method)\n"
        return out
    }

    /// The `report` entry of the JSON document.
    public var json: JSONValue {
        var rows: [JSONValue] = []
        for row in report?.rows ?? [] where unavailable == nil {
            rows.append(.object([
                "endpoint": .string(row.endpoint.description),
                "method": .string(row.method),
                "path": .string(row.path),
                "set": .string(row.set),
                "p99Ms": .optional(row.latency),
                "budgetMs": .optional(row.budget),
                "failoverP99Ms": .optional(row.worstFailoverLatency),
                "worstFailure": .optional(row.worstFailure),
                "availability": .optional(row.availability),
                "slo": .optional(row.slo),
                "breaksWhenLosing": .optional(row.breaksWhenLosing),
            ]))
        }
        return .object([
            "file": .string(file),
            "architecture": .optional(architecture?.name),
            "survive": .optional(report.map { "\($0.survive)" }),
            "simulatedFailures": report.map { .int($0.simulatedFailures) } ?? .null,
            "availabilityMethod": .string(AvailabilityModel.method),
            "unavailable": .optional(unavailable),
            "rows": .array(rows),
        ])
    }

    /// Shown for a missing figure.
    static let none = "—"

    /// `20.5ms (idc sh-a)`, or `(unchanged)` when no single failure slows it.
    private func failover(_ row: EndpointReport.Row) -> String {
        guard let worst = row.worstFailoverLatency else { return SpecReport.none }
        if let normal = row.latency, worst <= normal { return formatMilliseconds(worst) + " (unchanged)" }
        return formatMilliseconds(worst) + (row.worstFailure.map { " (\($0))" } ?? "")
    }

    private func milliseconds(_ value: Double?) -> String {
        value.map(formatMilliseconds) ?? SpecReport.none
    }

    /// Left-aligned columns two spaces apart, without trailing spaces.
    public static func table(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                line += cell
                if i + 1 < row.count { line += String(repeating: " ", count: widths[i] - cell.count + 2) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line + "\n"
        }.joined()
    }
}
