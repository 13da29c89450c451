import Foundation
import StrataModel

extension UpPlan {
    /// The table of everything running, with a request to try.
    public func table(_ running: [RunningProcess]) -> String {
        var rows: [[String]] = [["KIND", "NAME", "SET", "URL", ""]]
        for kind in [ManagedProcess.Kind.gateway, .service, .registry] {
            for item in running where item.process.kind == kind {
                rows.append([kind.rawValue, item.process.name, item.process.set ?? "-", item.process.url, item.process.note])
            }
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = "\n\(architecture.name) is running on loopback (Ctrl-C stops everything):\n\n"
        for row in rows {
            let line = "  " + (0..<4).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                + (row[4].isEmpty ? "" : "  (\(row[4]))")
            text += String(line.reversed().drop { $0 == " " }.reversed()) + "\n"
        }
        if let example = exampleRequest(running) { text += "\ntry:\n  \(example)\n" }
        text += "\nlogs: \(run.appendingPathComponent("logs").path)   processes: \(run.appendingPathComponent("state.json").path)\n"
        text += "stop: Ctrl-C, or `strata down \(run.appendingPathComponent("state.json").path)`\n"
        return text
    }

    /// A `curl` of the first public endpoint through its gateway in the first set.
    func exampleRequest(_ running: [RunningProcess]) -> String? {
        guard let first = analyses.callGraph.publicEndpoints.first,
              let endpoint = architecture.endpoint(first.endpoint.service, first.endpoint.endpoint),
              let gateway = running.first(where: { $0.process.kind == .gateway && $0.process.name.hasPrefix(first.gateway + "-") }) else { return nil }
        var parts = ["curl", "-s"]
        if endpoint.method != .GET { parts += ["-X", endpoint.method.rawValue] }
        let token = work.appendingPathComponent("gateway/envoy/dev-token.jwt")
        if architecture.gateway(first.gateway)?.auth?.value == .jwt, FileManager.default.fileExists(atPath: token.path) {
            parts += ["-H", "\"Authorization: Bearer $(cat \(token.path))\""]
        }
        if case .headerHash(let header)? = architecture.striping.routing { parts += ["-H", "'\(header): 42'"] }
        var path = ""
        var inParameter = false
        for character in endpoint.path {
            if character == "{" { inParameter = true } else if character == "}" { inParameter = false; path += "1" } else if !inParameter { path.append(character) }
        }
        parts.append("'\(gateway.process.url)\(path)'")
        return parts.joined(separator: " ")
    }

    /// The last `lines` lines of a log file.
    public static func tail(_ file: String, lines: Int) -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return "  (no log)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).map { "  " + $0 }.joined(separator: "\n")
    }
}
