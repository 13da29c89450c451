import Foundation
import Testing

/// Validates documents against JSON schemas with Python's `jsonschema`
/// (CI installs it with `pip install jsonschema`; a missing module fails the test).
/// Shared by the test targets that check SARIF (StrataDiagnosticsTests, StrataCLITests).
public enum SchemaValidation {
    /// The SARIF 2.1.0 schema checked into the repository.
    public static let sarifSchema = repositoryRoot.appendingPathComponent("schemas/sarif-schema-2.1.0.json")

    private static let validator = """
        import json, sys
        try:
            import jsonschema
        except ImportError:
            print("python module jsonschema is missing: pip install jsonschema", file=sys.stderr)
            sys.exit(3)
        schema = json.load(open(sys.argv[1], encoding="utf-8"))
        document = json.load(open(sys.argv[2], encoding="utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        errors = sorted(cls(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            print("/".join(str(p) for p in error.absolute_path) + ": " + error.message, file=sys.stderr)
        sys.exit(1 if errors else 0)
        """

    /// Records an issue for every schema violation of a SARIF document.
    public static func validateSARIF(_ document: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-sarif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let documentURL = directory.appendingPathComponent("log.sarif")
        try Data(document.utf8).write(to: documentURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", validator, sarifSchema.path, documentURL.path]
        let errorURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let errorHandle = try FileHandle(forWritingTo: errorURL)
        process.standardError = errorHandle
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try errorHandle.close()
        let errors = String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
        #expect(process.terminationStatus == 0, "SARIF schema validation failed:\n\(errors)", sourceLocation: sourceLocation)
    }
}
