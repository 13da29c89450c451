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
// The root package exports only its front-end libraries as products, so the
// generators, diagrams, run library and driver are compiled here from the root's
// own sources through the symlinks in Sources/Mirrored (nothing is copied). SwiftPM
// refuses two packages with targets of the same name, so here they are called
// Mirrored<Name>, and `-module-alias <Name>=Mirrored<Name>` lets their sources and
// the harness keep writing `import StrataGen` and so on.
import PackageDescription

/// `import StrataGen` (etc.) in the mirrored sources and the harness means the mirrored module.
func aliases(_ names: [String]) -> [SwiftSetting] {
    [.unsafeFlags(names.flatMap { ["-module-alias", "\($0)=Mirrored\($0)"] })]
}

let package = Package(
    name: "strata-fuzz",
    dependencies: [
        .package(name: "strata", path: ".."),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
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
                "FuzzSupport", "MirroredStrataDriver", "MirroredStrataGen", "MirroredStrataDiagram",
                .product(name: "StrataDiagnostics", package: "strata"),
                .product(name: "StrataSyntax", package: "strata"),
                .product(name: "StrataModel", package: "strata"),
                .product(name: "StrataAnalysis", package: "strata"),
                .product(name: "StrataRules", package: "strata"),
            ],
            swiftSettings: aliases(["StrataGen", "StrataDiagram", "StrataRun", "StrataDriver"])
        ),
        // The root's own sources (symlinks), built with the same dependencies as in ../Package.swift.
        .target(
            name: "MirroredStrataGen",
            dependencies: [
                .product(name: "StrataModel", package: "strata"),
                .product(name: "StrataAnalysis", package: "strata"),
                .product(name: "StrataDiagnostics", package: "strata"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            path: "Sources/Mirrored/StrataGen"
        ),
        .target(
            name: "MirroredStrataDiagram",
            dependencies: [
                .product(name: "StrataModel", package: "strata"),
                .product(name: "StrataAnalysis", package: "strata"),
                .product(name: "StrataDiagnostics", package: "strata"),
            ],
            path: "Sources/Mirrored/StrataDiagram"
        ),
        .target(
            name: "MirroredStrataRun",
            dependencies: [
                "MirroredStrataGen",
                .product(name: "StrataModel", package: "strata"),
                .product(name: "StrataAnalysis", package: "strata"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Sources/Mirrored/StrataRun",
            swiftSettings: aliases(["StrataGen"])
        ),
        .target(
            name: "MirroredStrataDriver",
            dependencies: [
                "MirroredStrataGen", "MirroredStrataDiagram", "MirroredStrataRun",
                .product(name: "StrataDiagnostics", package: "strata"),
                .product(name: "StrataSyntax", package: "strata"),
                .product(name: "StrataModel", package: "strata"),
                .product(name: "StrataAnalysis", package: "strata"),
                .product(name: "StrataRules", package: "strata"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Sources/Mirrored/StrataDriver",
            swiftSettings: aliases(["StrataGen", "StrataDiagram", "StrataRun"])
        ),
    ],
    swiftLanguageModes: [.v6]
)
