import ArgumentParser
import StrataDiagnostics
import StrataDriver
import StrataSyntax

/// An output format of `strata check`.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case text, json, sarif, github, junit

    /// One-line description shown in `--help`.
    var summary: String {
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
enum FailOnLevel: String, CaseIterable, ExpressibleByArgument, Sendable {
    case error, warning, note, none

    /// The policy deciding the exit status (compiler errors always fail).
    var policy: FailurePolicy {
        switch self {
        case .error: FailurePolicy(failOn: .error)
        case .warning: FailurePolicy(failOn: .warning)
        case .note: FailurePolicy(failOn: .note)
        case .none: FailurePolicy(failOn: nil)
        }
    }
}

/// Where one format's output goes.
enum OutputDestination: Hashable, Sendable {
    case standardOutput
    case file(String)
}

/// One format to render and where to write it.
struct OutputRequest: Hashable, Sendable {
    let format: OutputFormat
    var destination: OutputDestination
}

/// Pairs `--format` options with `--output` options.
///
/// Each `--output FILE` belongs to the `--format` written just before it; a
/// `--format` without one writes to standard output, and so may only one.
/// `--output -` also means standard output. Without any `--format`, text goes
/// to standard output.
enum OutputPlan {
    /// A `--format`/`--output` option as written on the command line.
    enum Token: Hashable {
        case format(String)
        case output(String)
    }

    /// The requests for the given options, or a usage error explaining the mistake.
    ///
    /// `arguments` are the raw command-line arguments, scanned for the order in
    /// which `--format` and `--output` were written (ArgumentParser keeps each
    /// option's values but not how they interleave). When they do not match the
    /// parsed values (the command was parsed from other arguments), outputs are
    /// paired with formats by position.
    static func requests(formats: [OutputFormat], outputs: [String], arguments: [String], specs: [String]) throws -> [OutputRequest] {
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
    static func requests(from tokens: [Token], specs: [String]) throws -> [OutputRequest] {
        var requests: [OutputRequest] = []
        var lastHasOutput = true
        for token in tokens {
            switch token {
            case .format(let name):
                guard let format = OutputFormat(rawValue: name) else {
                    throw ValidationError("unknown format '\(name)' (use one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                requests.append(OutputRequest(format: format, destination: .standardOutput))
                lastHasOutput = false
            case .output(let path):
                guard let last = requests.indices.last, !lastHasOutput else {
                    throw ValidationError("--output \(path) must follow the --format it belongs to, e.g. '--format sarif --output \(path)'")
                }
                guard !path.isEmpty else { throw ValidationError("--output needs a file name") }
                requests[last].destination = path == "-" ? .standardOutput : .file(path)
                lastHasOutput = true
            }
        }
        if requests.isEmpty { requests = [OutputRequest(format: .text, destination: .standardOutput)] }

        let toStandardOutput = requests.filter { $0.destination == .standardOutput }
        if toStandardOutput.count > 1 {
            let names = toStandardOutput.map(\.format.rawValue).joined(separator: ", ")
            throw ValidationError("formats \(names) would all write to standard output; give all but one an --output FILE")
        }
        var seen: Set<String> = []
        let specPaths = Set(specs.map(SpecLoader.normalize))
        for case .file(let path) in requests.map(\.destination) {
            let normalized = SpecLoader.normalize(path)
            guard seen.insert(normalized).inserted else { throw ValidationError("--output \(path) is given twice") }
            if specPaths.contains(normalized) { throw ValidationError("--output \(path) would overwrite a spec being checked") }
        }
        return requests
    }

    /// The `--format`/`-f` and `--output`/`-o` options in the order written
    /// (as `--name value` or `--name=value`), up to a `--` terminator.
    static func scan(_ arguments: [String]) -> [Token] {
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

/// `--disable RULE` and `--severity RULE=LEVEL`, validated against the rule registry.
struct RuleSettings: Sendable {
    /// Rules not to run.
    var disabled: Set<String> = []
    /// Severity overrides by rule.
    var severities: [String: Severity] = [:]

    /// The checker's options.
    var options: CheckOptions { CheckOptions(disabled: disabled, severities: severities) }

    /// The overrides as SARIF records them, in rule registry order.
    var overrides: [RuleOverride] {
        Pipeline.rules.compactMap { rule in
            if disabled.contains(rule.id) { return RuleOverride(rule: rule.id, enabled: false) }
            if let level = severities[rule.id] { return RuleOverride(rule: rule.id, enabled: true, level: level) }
            return nil
        }
    }

    /// Parses the option values; a usage error names the mistake and, for a typo, the rule meant.
    static func parse(disable: [String], severity: [String]) throws -> RuleSettings {
        var settings = RuleSettings()
        for name in disable {
            settings.disabled.insert(try rule(named: name, option: "--disable"))
        }
        for entry in severity {
            guard let equals = entry.firstIndex(of: "=") else {
                throw ValidationError("--severity \(entry) must be RULE=LEVEL, e.g. '--severity fanout-tail=note'")
            }
            let name = try rule(named: String(entry[..<equals]), option: "--severity")
            let value = String(entry[entry.index(after: equals)...])
            guard let level = Severity(rawValue: value.lowercased()) else {
                throw ValidationError("--severity \(entry): '\(value)' is not a level (use one of: error, warning, note)")
            }
            if let earlier = settings.severities[name], earlier != level {
                throw ValidationError("--severity gives \(name) two levels, \(earlier.rawValue) and \(level.rawValue)")
            }
            settings.severities[name] = level
        }
        return settings
    }

    /// The rule called `name`, or a usage error with a suggestion.
    static func rule(named name: String, option: String) throws -> String {
        let rules = Pipeline.rules
        if let rule = rules.first(where: { $0.id == name.lowercased() }) { return rule.id }
        if let code = RuleDescriptor.lookup(name, in: RuleDescriptor.catalogue) {
            throw ValidationError("\(option) \(name): \(code.id) \(code.name) is a compiler diagnostic, not a rule; compiler errors cannot be disabled or lowered")
        }
        var message = "\(option) \(name): no rule is called '\(name)'"
        if let guess = Explain.closestMatch(to: name, in: rules) { message += "; did you mean '\(guess)'?" }
        throw ValidationError(message + " ('strata explain --list' lists the rules)")
    }
}
