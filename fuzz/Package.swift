// swift-tools-version:6.0
// The libFuzzer harnesses for Strata. A separate package so that the root
// `swift build` never builds it: it needs `-sanitize=fuzzer,address` and
// `-parse-as-library`, which would break the root package's executables.
// Build and run them with `scripts/fuzz [seconds]` from anywhere in the repository.
//
// - StrataFuzzer: the front end (lexer, parser, includes, resolution, placement,
//   text rendering) from raw bytes; cheap, so it gets most of the run.
// - StrataPipelineFuzzer: every command path through the pipeline driver (check in
//   every format and --report, simulate, diagram in every view and format, build of
//   every target into memory) for inputs that compile without errors.
//
// The root package exports every library stage as a product for these harnesses.
import PackageDescription

let package = Package(
    name: "strata-fuzz",
    dependencies: [
        .package(name: "strata", path: ".."),
    ],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "StrataDiagnostics", package: "strata"),
                .product(name: "StrataSyntax", package: "strata"),
            ]
        ),
        .executableTarget(
            name: "StrataFuzzer",
            dependencies: [
                "FuzzSupport",
                .product(name: "StrataDiagnostics", package: "strata"),
                .product(name: "StrataSyntax", package: "strata"),
                .product(name: "StrataModel", package: "strata"),
            ]
        ),
        .executableTarget(
            name: "StrataPipelineFuzzer",
            dependencies: [
                "FuzzSupport",
                .product(name: "StrataDriver", package: "strata"),
                .product(name: "StrataGen", package: "strata"),
                .product(name: "StrataDiagram", package: "strata"),
                .product(name: "StrataDiagnostics", package: "strata"),
                .product(name: "StrataSyntax", package: "strata"),
                .product(name: "StrataModel", package: "strata"),
                .product(name: "StrataAnalysis", package: "strata"),
                .product(name: "StrataRules", package: "strata"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
