/// Renders diagnostics as one JSON document with a stable schema (version 1).
///
/// Keys are sorted and the document is pretty-printed, so the same
/// diagnostics give byte-identical output. Suppressed diagnostics are listed
/// with `"suppressed": true` and their reason.
///
/// ```
/// {
///   "diagnostics": [            // in output order: file, position, id, message
///     {
///       "id": "E0103",          // catalogue code or rule name
///       "name": "unterminated-string",   // kebab-case name, or null when undocumented
///       "severity": "error",    // "error" | "warning" | "note"
///       "message": "…",
///       "file": "specs/a.strata",
///       "start": {"line": 3, "column": 8, "offset": 41},   // 1-based line/column
///       "end":   {"line": 3, "column": 12, "offset": 45},  // (column in Unicode scalars,
///                                                          //  end exclusive); byte offsets
///       "labels": [             // the primary label first, then the secondary ones
///         {"primary": true, "file": "…", "start": {…}, "end": {…}, "message": "…" or null}
///       ],
///       "notes": ["…"],
///       "help": "…" or null,
///       "suppressed": false,
///       "suppression": null or {"reason": "…", "location": null or {"file", "start", "end"}}
///     }
///   ],
///   "summary": {"errors": 1, "warnings": 0, "notes": 0, "suppressed": 0},  // suppressed ones apart
///   "tool": {"name": "strata", "version": "0.1.0", "informationUri": "…"},
///   "version": 1               // schema version; bumped only on incompatible change
/// }
/// ```
public struct JSONRenderer: DiagnosticRenderer {
    /// Version of the document schema written in the `version` field.
    public static let schemaVersion = 1

    /// The files the diagnostics point into.
    public let sources: SourceManager
    /// Descriptors giving each id its `name`.
    public let rules: [RuleDescriptor]
    /// The tool named in the document.
    public let tool: ToolInfo

    /// Creates a renderer.
    public init(sources: SourceManager, rules: [RuleDescriptor] = RuleDescriptor.catalogue, tool: ToolInfo = .strata) {
        self.sources = sources
        self.rules = rules
        self.tool = tool
    }

    /// The JSON document for `diagnostics`.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        let summary = DiagnosticSummary(diagnostics)
        let table = RuleTable(rules, covering: [])
        let document: JSONValue = .object([
            "version": .int(JSONRenderer.schemaVersion),
            "tool": .object([
                "name": .string(tool.name),
                "version": .string(tool.version),
                "informationUri": .string(tool.informationURI),
            ]),
            "diagnostics": .array(diagnostics.sortedForOutput().map { diagnosticValue($0, names: table) }),
            "summary": .object([
                "errors": .int(summary.errors),
                "warnings": .int(summary.warnings),
                "notes": .int(summary.notes),
                "suppressed": .int(summary.suppressed),
            ]),
        ])
        return JSONWriter.write(document)
    }

    private func diagnosticValue(_ diagnostic: Diagnostic, names: RuleTable) -> JSONValue {
        let primary = ResolvedSpan(diagnostic.primary.span, in: sources)
        let labels = [labelValue(diagnostic.primary, primary: true)]
            + diagnostic.secondary.map { labelValue($0, primary: false) }
        var suppression = JSONValue.null
        if let suppressed = diagnostic.suppression {
            suppression = .object([
                "reason": .string(suppressed.reason),
                "location": suppressed.span.map { locationValue(ResolvedSpan($0, in: sources)) } ?? .null,
            ])
        }
        return .object([
            "id": .string(diagnostic.id),
            "name": .optional(names.descriptor(for: diagnostic.id)?.name),
            "severity": .string(diagnostic.severity.rawValue),
            "message": .string(diagnostic.message),
            "file": .string(primary.path),
            "start": positionValue(primary.start, offset: primary.startOffset),
            "end": positionValue(primary.end, offset: primary.endOffset),
            "labels": .array(labels),
            "notes": .array(diagnostic.notes.map(JSONValue.string)),
            "help": .optional(diagnostic.help),
            "suppressed": .bool(diagnostic.suppression != nil),
            "suppression": suppression,
        ])
    }

    private func labelValue(_ label: Label, primary: Bool) -> JSONValue {
        guard case .object(var members) = locationValue(ResolvedSpan(label.span, in: sources)) else { return .null }
        members["primary"] = .bool(primary)
        members["message"] = .optional(label.message)
        return .object(members)
    }

    private func locationValue(_ span: ResolvedSpan) -> JSONValue {
        .object([
            "file": .string(span.path),
            "start": positionValue(span.start, offset: span.startOffset),
            "end": positionValue(span.end, offset: span.endOffset),
        ])
    }

    private func positionValue(_ location: SourceLocation, offset: Int) -> JSONValue {
        .object(["line": .int(location.line), "column": .int(location.column), "offset": .int(offset)])
    }
}
