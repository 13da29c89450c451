/// One entry of the message catalogue: a stable code, a kebab-case name,
/// its severity and the explanation shown by `strata explain`.
public struct DiagnosticKind: Hashable, Sendable {
    /// Stable code, e.g. `E0103`. Never reused for another meaning.
    public let id: String
    /// Stable kebab-case name, e.g. `unterminated-string`.
    public let name: String
    public let severity: Severity
    /// One-line title.
    public let title: String
    /// Paragraphs shown by `strata explain`.
    public let explanation: String
    /// Help attached to every diagnostic of this kind unless the emitter gives its own.
    public let defaultHelp: String?

    public init(id: String, name: String, severity: Severity = .error, title: String, explanation: String, defaultHelp: String? = nil) {
        self.id = id
        self.name = name
        self.severity = severity
        self.title = title
        self.explanation = explanation
        self.defaultHelp = defaultHelp
    }
}

/// The catalogue of compiler diagnostics (lexical, syntax, include and semantic errors).
/// Compiler diagnostics always fail and cannot be suppressed; checker rules live in their own registry.
public enum Catalogue {
    // MARK: Lexical
    public static let invalidUTF8 = DiagnosticKind(
        id: "E0101", name: "invalid-utf8", title: "source is not valid UTF-8",
        explanation: "Strata files are UTF-8. A byte sequence that is not valid UTF-8 was found; the diagnostic points at the first bad byte. Re-save the file as UTF-8.")
    public static let unexpectedCharacter = DiagnosticKind(
        id: "E0102", name: "unexpected-character", title: "character not allowed here",
        explanation: "Outside strings and comments a spec may contain only identifiers, numbers with units, strings, `{ } ; . ->` and `<->`. Control characters such as NUL are never allowed.")
    public static let unterminatedString = DiagnosticKind(
        id: "E0103", name: "unterminated-string", title: "string literal is not closed",
        explanation: "A string starts with `\"` and must end with `\"` on the same line. Write a newline inside a string as `\\n`.",
        defaultHelp: "close the string with `\"`")
    public static let invalidEscape = DiagnosticKind(
        id: "E0104", name: "invalid-escape", title: "unknown escape sequence in string",
        explanation: "Strings accept the escapes `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{...}` with 1 to 8 hexadecimal digits naming a Unicode scalar.")
    public static let unterminatedComment = DiagnosticKind(
        id: "E0105", name: "unterminated-comment", title: "block comment is not closed",
        explanation: "A block comment starts with `/*` and ends at the next `*/`. Block comments do not nest.",
        defaultHelp: "close the comment with `*/`")
    public static let invalidNumber = DiagnosticKind(
        id: "E0106", name: "invalid-number", title: "malformed number or unknown unit",
        explanation: "Numbers are integers or decimals, optionally followed by a unit: durations `us ms s m h` (`80ms`), a percentage `%` (`99.95%`), a rate `/s` or `/m` (`2000/s`), or a range `2..10`.")
    public static let numberOverflow = DiagnosticKind(
        id: "E0107", name: "number-overflow", title: "number is too large",
        explanation: "Integers must fit in 64 bits and decimals must be finite. Values this large are never meaningful in a spec.")

    // MARK: Syntax
    public static let unexpectedToken = DiagnosticKind(
        id: "E0201", name: "unexpected-token", title: "unexpected token",
        explanation: "Every statement has one shape: `keyword argument* block?`. A statement starts with a word, its arguments follow on the same line, and a block `{ ... }` may end it. The parser skips to the end of the statement and continues, so every syntax error of a file is reported in one run.")
    public static let unclosedBlock = DiagnosticKind(
        id: "E0202", name: "unclosed-block", title: "block is not closed",
        explanation: "Every `{` needs a matching `}`. The diagnostic points at the `{` that was never closed.",
        defaultHelp: "add `}` to close the block")
    public static let unmatchedBrace = DiagnosticKind(
        id: "E0203", name: "unmatched-brace", title: "`}` without a matching `{`",
        explanation: "A closing brace appeared where no block was open. Remove it or add the missing `{`.")
    public static let nestingTooDeep = DiagnosticKind(
        id: "E0204", name: "nesting-too-deep", title: "blocks nested too deeply",
        explanation: "Blocks may nest at most 64 levels deep. Real specs never exceed six; deeper nesting is treated as a mistake rather than exhausting the stack.")
    public static let emptySpec = DiagnosticKind(
        id: "E0205", name: "empty-spec", title: "spec declares no architecture",
        explanation: "A compilation needs exactly one `architecture NAME { ... }` statement, written in the given file or one it includes.",
        defaultHelp: "start with `architecture NAME { ... }`")

    // MARK: Include
    public static let includeNotFound = DiagnosticKind(
        id: "E0301", name: "include-not-found", title: "included file cannot be read",
        explanation: "`include \"path\"` names a file relative to the including file's directory. The file does not exist or cannot be read.")
    public static let includeCycle = DiagnosticKind(
        id: "E0302", name: "include-cycle", title: "files include each other in a cycle",
        explanation: "Following `include` statements led back to a file already being included. The notes list the chain.")
    public static let includeOutsideRoot = DiagnosticKind(
        id: "E0303", name: "include-outside-root", title: "included file lies outside the include root",
        explanation: "Includes stay inside the include root: the folder of the spec given to `strata`, or the folder given with `--include-root`. An include path must be relative (to the including file), must not leave the root through `..`, and must not reach a file outside it through a symbolic link (links are resolved before comparing). Specs are linted in CI on pull requests written by anyone, and an include of `/proc/self/environ` or `../../.ssh/id_rsa` would otherwise print that file into the diagnostics. Nothing of a refused file is read.",
        defaultHelp: "include only files inside the include root")
    public static let includeNotRegularFile = DiagnosticKind(
        id: "E0304", name: "include-not-regular-file", title: "included file is not a regular file",
        explanation: "An included file must be a regular file. Directories, FIFOs, sockets, devices such as `/dev/zero` and files of the kernel's pseudo-file systems (`/proc`, `/sys`) are refused before anything is read from them: reading one could hang, never end, or print kernel state and the environment.")
    public static let includeTooLarge = DiagnosticKind(
        id: "E0305", name: "include-too-large", title: "included file is too large",
        explanation: "One spec file may hold at most 8 MiB, and all files of a compilation at most 64 MiB together. Real specs are a few kilobytes; a file past the limit is refused after reading one byte more than the limit, so an endless or huge file cannot exhaust memory. The root spec past the limit is a read error (exit 2).")
    public static let includePathInvalid = DiagnosticKind(
        id: "E0306", name: "include-path-invalid", title: "include path contains a NUL character",
        explanation: "File names cannot contain NUL (`\\u{0}`). The operating system would cut the path short at it and open another file (`\"a.strata\\u{0}.txt\"` would read `a.strata`), so such a path is refused.")

    // MARK: Semantic
    public static let unknownStatement = DiagnosticKind(
        id: "E0401", name: "unknown-statement", title: "statement not allowed here",
        explanation: "Keywords are contextual: each block accepts its own statements (see docs/language.md). The message lists what is accepted where the statement was written.")
    public static let invalidArgument = DiagnosticKind(
        id: "E0402", name: "invalid-argument", title: "argument of the wrong kind or unit",
        explanation: "Each statement takes arguments of fixed kinds: a name, a string, a duration such as `80ms`, a percentage, a rate such as `2000/s`, an integer, a range `2..10`. The message says what was expected.")
    public static let outOfRange = DiagnosticKind(
        id: "E0403", name: "out-of-range", title: "value outside its allowed range",
        explanation: "The value has the right kind but cannot be meaningful, e.g. a percentage above 100%, zero replicas, or a range whose minimum exceeds its maximum.")
    public static let unknownReference = DiagnosticKind(
        id: "E0404", name: "unknown-reference", title: "reference to something not declared",
        explanation: "A name refers to a service, endpoint, store, gateway, set or failure domain that the spec does not declare. References are checked after the whole spec is read, so declaration order does not matter.")
    public static let duplicateName = DiagnosticKind(
        id: "E0405", name: "duplicate-name", title: "name declared twice",
        explanation: "Services, gateways and stores share one namespace (they become Kubernetes objects and hostnames); failure domains and sets share another; endpoints are unique within their service.")
    public static let identifierCollision = DiagnosticKind(
        id: "E0406", name: "identifier-collision", title: "two names map to the same Swift identifier",
        explanation: "Names become Swift identifiers (camelCase and PascalCase). Two different names such as `a-b1` and `a-b-1` both become `aB1`, so generated code could not tell them apart.")
    public static let missingStatement = DiagnosticKind(
        id: "E0407", name: "missing-statement", title: "required statement missing",
        explanation: "Some statements are required, e.g. a `topology` with at least one region, or a placement (`replicas`/`scale`) for every component.")
    public static let invalidName = DiagnosticKind(
        id: "E0408", name: "invalid-name", title: "name is not a lowercase DNS label",
        explanation: "Declared names become Kubernetes names, hostnames, file names and Swift identifiers, so they must match `[a-z]([a-z0-9-]*[a-z0-9])?` and be at most 63 characters long.")
    public static let duplicateStatement = DiagnosticKind(
        id: "E0409", name: "duplicate-statement", title: "statement given twice",
        explanation: "A statement that sets a single property (such as `slo`, `engine` or `replicas`) may appear once per block.")
    public static let unsatisfiablePlacement = DiagnosticKind(
        id: "E0410", name: "unsatisfiable-placement", title: "placement cannot be satisfied",
        explanation: "The placement names a failure domain level that has no domains (e.g. `across rack` inside a domain without racks), a domain that does not contain the level, or needs machines that the topology does not enumerate.")
    public static let conflictingStatements = DiagnosticKind(
        id: "E0411", name: "conflicting-statements", title: "statements contradict each other",
        explanation: "Two statements cannot both hold, e.g. `replicas` together with `scale`, `stripe` together with explicit `set` statements, or `key` on a stateless service.")
    public static let multipleArchitectures = DiagnosticKind(
        id: "E0412", name: "multiple-architectures", title: "more than one architecture",
        explanation: "A compilation describes exactly one system. Split other architectures into their own files.")

    /// Every catalogue entry, in code order.
    public static let all: [DiagnosticKind] = [
        invalidUTF8, unexpectedCharacter, unterminatedString, invalidEscape, unterminatedComment, invalidNumber, numberOverflow,
        unexpectedToken, unclosedBlock, unmatchedBrace, nestingTooDeep, emptySpec,
        includeNotFound, includeCycle, includeOutsideRoot, includeNotRegularFile, includeTooLarge, includePathInvalid,
        unknownStatement, invalidArgument, outOfRange, unknownReference, duplicateName, identifierCollision,
        missingStatement, invalidName, duplicateStatement, unsatisfiablePlacement, conflictingStatements, multipleArchitectures,
    ]

    /// Looks an entry up by code (`E0103`, case-insensitive) or name (`unterminated-string`).
    public static func lookup(_ key: String) -> DiagnosticKind? {
        let k = key.lowercased()
        return all.first { $0.id.lowercased() == k || $0.name == k }
    }
}
