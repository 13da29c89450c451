/// Renders diagnostics as a SARIF 2.1.0 log for code-scanning uploads
/// (GitHub code scanning, Azure DevOps, IDE viewers).
///
/// One run: `tool.driver` lists every rule descriptor (plus a stand-in for
/// any id without one) and `results` holds one result per diagnostic, with
/// its primary location, secondary labels as `relatedLocations`, and
/// `suppressions: [{kind: "inSource", justification}]` for diagnostics
/// silenced by `allow`. Rules that did not (fully) run become
/// `invocations[0].toolExecutionNotifications` (level `note`, with the rule
/// as `associatedRule`), and `--disable`/`--severity` become
/// `invocations[0].ruleConfigurationOverrides`; `invocations` is written
/// only when there is one of those. Columns are Unicode code points (`columnKind`), end
/// columns exclusive. Relative paths become relative URIs, absolute paths
/// `file://` URIs, percent-encoded. A finding's ``Diagnostic/subject`` is its primary location's
/// logical location (`{"fullyQualifiedName": "endpoint orders.create", "kind": "declaration"}`).
/// Message texts (shown to people by code-scanning
/// viewers) show control, bidirectional and invisible characters as `\u{1B}`
/// (``VisibleText``). Keys are sorted: output is deterministic.
public struct SARIFRenderer: DiagnosticRenderer {
    /// The `$schema` written into the log.
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    /// The files the diagnostics point into.
    public let sources: SourceManager
    /// Rules listed in the driver, in this order.
    public let rules: [RuleDescriptor]
    /// The tool named as driver.
    public let tool: ToolInfo
    /// Rules that did not (fully) run.
    public let skipped: [SkippedCheck]
    /// Rules disabled or given another severity for this run.
    public let overrides: [RuleOverride]

    /// Creates a renderer.
    public init(sources: SourceManager, rules: [RuleDescriptor] = RuleDescriptor.catalogue, tool: ToolInfo = .strata) {
        self.init(sources: sources, rules: rules, tool: tool, skipped: [], overrides: [])
    }

    /// Creates a renderer that also reports skipped rules and the run's rule configuration.
    public init(sources: SourceManager, rules: [RuleDescriptor], tool: ToolInfo = .strata,
                skipped: [SkippedCheck], overrides: [RuleOverride] = []) {
        self.sources = sources
        self.rules = rules
        self.tool = tool
        self.skipped = skipped
        self.overrides = overrides
    }

    /// The SARIF log for `diagnostics`.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        let table = RuleTable(rules, covering: diagnostics)
        let artifacts = ArtifactTable(sources)
        var run: [String: JSONValue] = [
            "tool": .object([
                "driver": .object([
                    "name": .string(tool.name),
                    "version": .string(tool.version),
                    "semanticVersion": .string(tool.version),
                    "informationUri": .string(tool.informationURI),
                    "rules": .array(table.descriptors.map(ruleValue)),
                ]),
            ]),
            "columnKind": "unicodeCodePoints",
            "artifacts": .array(artifacts.entries.map { entry in
                .object(["location": .object(["uri": .string(entry.uri)]), "length": .int(entry.length)])
            }),
            "results": .array(diagnostics.sortedForOutput().map { resultValue($0, rules: table, artifacts: artifacts) }),
        ]
        if !skipped.isEmpty || !overrides.isEmpty {
            var invocation: [String: JSONValue] = ["executionSuccessful": true]
            if !skipped.isEmpty {
                invocation["toolExecutionNotifications"] = .array(skipped.map { notificationValue($0, rules: table, artifacts: artifacts) })
            }
            if !overrides.isEmpty {
                invocation["ruleConfigurationOverrides"] = .array(overrides.map { overrideValue($0, rules: table) })
            }
            run["invocations"] = .array([.object(invocation)])
        }
        return JSONWriter.write(.object([
            "$schema": .string(SARIFRenderer.schemaURI),
            "version": "2.1.0",
            "runs": .array([.object(run)]),
        ]))
    }

    /// A `reportingDescriptorReference` to a rule of the driver.
    private func reference(_ id: String, rules: RuleTable) -> JSONValue {
        var members: [String: JSONValue] = ["id": .string(id)]
        if let index = rules.index(of: id) { members["index"] = .int(index) }
        return .object(members)
    }

    /// A skipped rule as a `notification`: level note, the rule as `associatedRule`, the spec as location.
    private func notificationValue(_ skip: SkippedCheck, rules: RuleTable, artifacts: ArtifactTable) -> JSONValue {
        var members: [String: JSONValue] = [
            "level": "note",
            "message": .object(["text": .string(SARIFRenderer.shown(skip.message))]),
        ]
        if let rule = skip.rule { members["associatedRule"] = reference(rule, rules: rules) }
        if let file = skip.file {
            var artifact: [String: JSONValue] = ["uri": .string(SARIFRenderer.uri(forPath: file))]
            if let index = artifacts.index(ofPath: file) { artifact["index"] = .int(index) }
            members["locations"] = .array([.object(["physicalLocation": .object(["artifactLocation": .object(artifact)])])])
        }
        return .object(members)
    }

    /// `--disable`/`--severity` as a `configurationOverride`.
    private func overrideValue(_ override: RuleOverride, rules: RuleTable) -> JSONValue {
        var configuration: [String: JSONValue] = ["enabled": .bool(override.enabled)]
        if let level = override.level { configuration["level"] = .string(SARIFRenderer.level(level)) }
        return .object(["descriptor": reference(override.rule, rules: rules), "configuration": .object(configuration)])
    }

    private func ruleValue(_ rule: RuleDescriptor) -> JSONValue {
        var helpText = rule.explanation
        if let help = rule.help { helpText += "\n\nHelp: " + help }
        return .object([
            "id": .string(rule.id),
            "name": .string(rule.name),
            "shortDescription": .object(["text": .string(rule.title)]),
            "fullDescription": .object(["text": .string(rule.explanation)]),
            "help": .object(["text": .string(helpText)]),
            "defaultConfiguration": .object(["level": .string(SARIFRenderer.level(rule.defaultSeverity))]),
        ])
    }

    private func resultValue(_ diagnostic: Diagnostic, rules: RuleTable, artifacts: ArtifactTable) -> JSONValue {
        var text = diagnostic.message
        for note in diagnostic.notes { text += "\nnote: " + note }
        if let help = diagnostic.help { text += "\nhelp: " + help }
        text = SARIFRenderer.shown(text)

        var primaryLocation = physicalLocation(diagnostic.primary.span, artifacts: artifacts)
        if let message = diagnostic.primary.message { primaryLocation["message"] = .object(["text": .string(SARIFRenderer.shown(message))]) }
        if let subject = diagnostic.subject {
            // The spec block the finding blames, as the findings panel and `allow` know it.
            primaryLocation["logicalLocations"] = .array([.object([
                "fullyQualifiedName": .string(SARIFRenderer.shown(subject.description)), "kind": "declaration",
            ])])
        }

        var result: [String: JSONValue] = [
            "ruleId": .string(diagnostic.id),
            "ruleIndex": .int(rules.index(of: diagnostic.id) ?? 0),
            "level": .string(SARIFRenderer.level(diagnostic.severity)),
            "message": .object(["text": .string(text)]),
            "locations": .array([.object(primaryLocation)]),
        ]
        if !diagnostic.secondary.isEmpty {
            result["relatedLocations"] = .array(diagnostic.secondary.enumerated().map { number, label in
                var location = physicalLocation(label.span, artifacts: artifacts)
                location["id"] = .int(number + 1)
                if let message = label.message { location["message"] = .object(["text": .string(SARIFRenderer.shown(message))]) }
                return .object(location)
            })
        }
        if let suppression = diagnostic.suppression {
            var entry: [String: JSONValue] = ["kind": "inSource", "justification": .string(SARIFRenderer.shown(suppression.reason))]
            if let span = suppression.span { entry["location"] = .object(physicalLocation(span, artifacts: artifacts)) }
            result["suppressions"] = .array([.object(entry)])
        }
        return .object(result)
    }

    /// `{"physicalLocation": {artifactLocation, region}}` as the members of a SARIF `location`.
    private func physicalLocation(_ span: Span, artifacts: ArtifactTable) -> [String: JSONValue] {
        let resolved = ResolvedSpan(span, in: sources)
        var artifact: [String: JSONValue] = ["uri": .string(SARIFRenderer.uri(forPath: resolved.path))]
        if let index = artifacts.index(ofPath: resolved.path) { artifact["index"] = .int(index) }
        return ["physicalLocation": .object([
            "artifactLocation": .object(artifact),
            "region": .object([
                "startLine": .int(resolved.start.line),
                "startColumn": .int(resolved.start.column),
                "endLine": .int(resolved.end.line),
                "endColumn": .int(resolved.end.column),
            ]),
        ])]
    }

    /// A message as code-scanning viewers show it to people: line breaks kept, every other
    /// control, bidirectional or invisible character shown as `\u{1B}` (``VisibleText``).
    static func shown(_ text: String) -> String {
        VisibleText.escaped(text, keeping: VisibleText.lineBreaks)
    }

    /// The SARIF `level` of a severity.
    public static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// A URI reference for a file path: relative paths stay relative (without
    /// a leading `./`), absolute ones become `file://` URIs; every byte other
    /// than unreserved characters and `/` is percent-encoded.
    public static func uri(forPath path: String) -> String {
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        var encoded = ""
        for byte in relative.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}

/// The distinct file paths of a run, in load order, with their SARIF artifact index.
private struct ArtifactTable {
    struct Entry {
        let path: String
        let uri: String
        let length: Int
    }

    let entries: [Entry]
    private let indexByPath: [String: Int]

    init(_ sources: SourceManager) {
        var entries: [Entry] = []
        var indexByPath: [String: Int] = [:]
        for file in sources.files where indexByPath[file.path] == nil {
            indexByPath[file.path] = entries.count
            entries.append(Entry(path: file.path, uri: SARIFRenderer.uri(forPath: file.path), length: file.bytes.count))
        }
        self.entries = entries
        self.indexByPath = indexByPath
    }

    func index(ofPath path: String) -> Int? { indexByPath[path] }
}
