import StrataDiagnostics
import StrataSyntax

/// An output format of `strata check`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, sarif, github, junit

    /// One-line description shown in `--help`.
    public var summary: String {
        switch self {
        case .text: "source lines with carets, for people (default)"
        case .json: "one JSON document with a stable schema"
        case .sarif: "SARIF 2.1.0, for code-scanning uploads"
        case .github: "GitHub Actions annotations (workflow commands)"
        case .junit: "JUnit XML, one test suite per file and a test case per rule"
        }
    }
}

/// The lowest severity that fails the run (`--fail-on`).
public enum FailOnLevel: String, CaseIterable, Sendable {
    case error, warning, note, none

    /// The policy deciding the exit status (compiler errors always fail).
    public var policy: FailurePolicy {
        switch self {
        case .error: FailurePolicy(failOn: .error)
        case .warning: FailurePolicy(failOn: .warning)
        case .note: FailurePolicy(failOn: .note)
        case .none: FailurePolicy(failOn: nil)
        }
    }
}

/// Where one format's output goes.
public enum OutputDestination: Hashable, Sendable {
    case standardOutput
    /// A file, written atomically (missing folders are created).
    case file(String)
}

/// One format to render and where to write it.
public struct OutputRequest: Hashable, Sendable {
    public let format: OutputFormat
    public var destination: OutputDestination

    /// `format`, written to `destination`.
    public init(format: OutputFormat, destination: OutputDestination) {
        self.format = format
        self.destination = destination
    }
}

/// Pairs `--format` options with `--output` options.
///
/// Each `--output FILE` belongs to the `--format` written just before it; a
/// `--format` without one writes to standard output, and so may only one.
/// `--output -` also means standard output. Without any `--format`, text goes
/// to standard output.
public enum OutputPlan {
    /// A `--format`/`--output` option as written on the command line.
    public enum Token: Hashable, Sendable {
        case format(String)
        case output(String)
    }

    /// The requests for the given options, or a usage error explaining the mistake.
    ///
    /// `arguments` are the raw command-line arguments, scanned for the order in
    /// which `--format` and `--output` were written (an option parser keeps each
    /// option's values but not how they interleave). When they do not match the
    /// parsed values (the command was parsed from other arguments), outputs are
    /// paired with formats by position.
    public static func requests(formats: [OutputFormat], outputs: [String], arguments: [String], specs: [String]) throws(UsageError) -> [OutputRequest] {
        var tokens = scan(arguments)
        let scannedFormats = tokens.compactMap { token -> String? in if case .format(let value) = token { value } else { nil } }
        let scannedOutputs = tokens.compactMap { token -> String? in if case .output(let value) = token { value } else { nil } }
        if scannedFormats != formats.map(\.rawValue) || scannedOutputs != outputs {
            tokens = []
            for (position, format) in formats.enumerated() {
                tokens.append(.format(format.rawValue))
                if position < outputs.count { tokens.append(.output(outputs[position])) }
            }
            tokens += outputs.dropFirst(formats.count).map(Token.output)
        }
        return try requests(from: tokens, specs: specs)
    }

    /// Pairs tokens in command-line order and checks the result.
    public static func requests(from tokens: [Token], specs: [String]) throws(UsageError) -> [OutputRequest] {
        var requests: [OutputRequest] = []
        var lastHasOutput = true
        for token in tokens {
            switch token {
            case .format(let name):
                guard let format = OutputFormat(rawValue: name) else {
                    throw UsageError("unknown format '\(name)' (use one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                requests.append(OutputRequest(format: format, destination: .standardOutput))
                lastHasOutput = false
            case .output(let path):
                guard let last = requests.indices.last, !lastHasOutput else {
                    throw UsageError("--output \(path) must follow the --format it belongs to, e.g. '--format sarif --output \(path)'")
                }
                guard !path.isEmpty else { throw UsageError("--output needs a file name") }
                requests[last].destination = path == "-" ? .standardOutput : .file(path)
                lastHasOutput = true
            }
        }
        if requests.isEmpty { requests = [OutputRequest(format: .text, destination: .standardOutput)] }

        let toStandardOutput = requests.filter { $0.destination == .standardOutput }
        if toStandardOutput.count > 1 {
            let names = toStandardOutput.map(\.format.rawValue).joined(separator: ", ")
            throw UsageError("formats \(names) would all write to standard output; give all but one an --output FILE")
        }
        var seen: Set<String> = []
        let specPaths = Set(specs.map(SpecLoader.normalize))
        for case .file(let path) in requests.map(\.destination) {
            let normalized = SpecLoader.normalize(path)
            guard seen.insert(normalized).inserted else { throw UsageError("--output \(path) is given twice") }
            if specPaths.contains(normalized) { throw UsageError("--output \(path) would overwrite a spec being checked") }
        }
        return requests
    }

    /// The `--format`/`-f` and `--output`/`-o` options in the order written
    /// (as `--name value` or `--name=value`), up to a `--` terminator.
    public static func scan(_ arguments: [String]) -> [Token] {
        let kinds: [(names: [String], make: (String) -> Token)] = [
            (["--format", "-f"], Token.format),
            (["--output", "-o"], Token.output),
        ]
        var tokens: [Token] = []
        var index = 0
        scanning: while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { break }
            for kind in kinds {
                if kind.names.contains(argument) {
                    if index + 1 < arguments.count { tokens.append(kind.make(arguments[index + 1])) }
                    index += 2
                    continue scanning
                }
                if let name = kind.names.first(where: { argument.hasPrefix($0 + "=") }) {
                    tokens.append(kind.make(String(argument.dropFirst(name.count + 1))))
                    index += 1
                    continue scanning
                }
            }
            index += 1
        }
        return tokens
    }
}
