// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "strata",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "strata", targets: ["strata"]),
        .library(name: "StrataDiagnostics", targets: ["StrataDiagnostics"]),
        .library(name: "StrataSyntax", targets: ["StrataSyntax"]),
        .library(name: "StrataModel", targets: ["StrataModel"]),
        .library(name: "StrataAnalysis", targets: ["StrataAnalysis"]),
        .library(name: "StrataRules", targets: ["StrataRules"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Source files, byte spans, the diagnostic model, its catalogue and renderers.
        .target(name: "StrataDiagnostics"),
        // Lexer, parser (with recovery), syntax tree, include resolution, formatter.
        .target(name: "StrataSyntax", dependencies: ["StrataDiagnostics"]),
        // Name and unit resolution, defaults, placement into concrete instances.
        .target(name: "StrataModel", dependencies: ["StrataSyntax", "StrataDiagnostics"]),
        // Call graph, failure simulation, latency and availability models.
        .target(name: "StrataAnalysis", dependencies: ["StrataModel", "StrataDiagnostics"]),
        // One file per checker rule, the rule registry and the checker that runs them.
        .target(name: "StrataRules", dependencies: ["StrataAnalysis", "StrataModel", "StrataDiagnostics"]),
        // Thin command-line front end.
        .executableTarget(
            name: "strata",
            dependencies: [
                "StrataDiagnostics", "StrataSyntax", "StrataModel", "StrataAnalysis", "StrataRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmark driver (scripts/bench builds it in release mode).
        .executableTarget(name: "strata-bench", dependencies: ["StrataSyntax", "StrataModel", "StrataDiagnostics", "StrataAnalysis", "StrataRules"]),
        .testTarget(name: "StrataDiagnosticsTests", dependencies: ["StrataDiagnostics"]),
        .testTarget(name: "StrataSyntaxTests", dependencies: ["StrataSyntax"]),
        .testTarget(name: "StrataModelTests", dependencies: ["StrataModel", "StrataSyntax"]),
        .testTarget(name: "StrataAnalysisTests", dependencies: ["StrataAnalysis", "StrataModel"]),
        .testTarget(name: "StrataRulesTests", dependencies: ["StrataRules", "StrataAnalysis", "StrataModel", "StrataDiagnostics"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "StrataCLITests", dependencies: ["strata", "StrataDiagnostics"]),
    ],
    swiftLanguageModes: [.v6]
)
