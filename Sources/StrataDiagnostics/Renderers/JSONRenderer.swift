/// Renders diagnostics as one JSON document with a stable schema (version 1).
///
/// Keys are sorted and the document is pretty-printed, so the same
/// diagnostics give byte-identical output. Suppressed diagnostics are listed
/// with `"suppressed": true` and their reason. Strings hold the exact text (a
/// machine reads them); control, bidirectional and invisible characters in them
/// are always written as JSON `\uXXXX` escapes, never raw (see ``VisibleText``),
/// so a consumer that shows them to people must escape them itself.
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
///   "skipped": [                // rules that did not (fully) run, never a silent pass
///                               // (the member is left out when every rule ran)
///     {"rule": "failover-capacity" or null (no rule ran), "reason": "…", "file": "specs/a.strata" or null}
///   ],
///   "summary": {"errors": 1, "warnings": 0, "notes": 0, "suppressed": 0},  // suppressed ones apart
///   "tool": {"name": "strata", "version": "0.1.0", "informationUri": "…"},
///   "version": 1               // schema version; bumped only on incompatible change
/// }
/// ```
///
/// Callers may add further top-level members with ``sections`` (for example
/// `strata check --report` adds `report`); they never replace the ones above.
public struct JSONRenderer: DiagnosticRenderer {
    /// Version of the document schema written in the `version` field.
    public static let schemaVersion = 1

    /// The files the diagnostics point into.
    public let sources: SourceManager
    /// Descriptors giving each id its `name`.
    public let rules: [RuleDescriptor]
    /// The tool named in the document.
    public let tool: ToolInfo
    /// Rules that did not (fully) run, listed as `skipped`.
    public let skipped: [SkippedCheck]
    /// Extra top-level members, e.g. `report`.
    public let sections: [String: JSONValue]

    /// Creates a renderer.
    public init(sources: SourceManager, rules: [RuleDescriptor] = RuleDescriptor.catalogue, tool: ToolInfo = .strata) {
        self.init(sources: sources, rules: rules, tool: tool, skipped: [], sections: [:])
    }

    /// Creates a renderer that also lists skipped rules and adds `sections`.
    public init(sources: SourceManager, rules: [RuleDescriptor], tool: ToolInfo = .strata,
                skipped: [SkippedCheck], sections: [String: JSONValue] = [:]) {
        self.sources = sources
        self.rules = rules
        self.tool = tool
        self.skipped = skipped
        self.sections = sections
    }

    /// The JSON document for `diagnostics`.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        let summary = DiagnosticSummary(diagnostics)
        let table = RuleTable(rules, covering: [])
        var members: [String: JSONValue] = [
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
        ]
        if !skipped.isEmpty {
            members["skipped"] = .array(skipped.map { skip in
                .object(["rule": .optional(skip.rule), "reason": .string(skip.reason), "file": .optional(skip.file)])
            })
        }
        members.merge(sections) { own, _ in own }
        return JSONWriter.write(.object(members))
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
