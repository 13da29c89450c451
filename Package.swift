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
        .library(name: "StrataGen", targets: ["StrataGen"]),
        .library(name: "StrataDiagram", targets: ["StrataDiagram"]),
        .library(name: "StrataRun", targets: ["StrataRun"]),
        .library(name: "StrataDriver", targets: ["StrataDriver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
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
        // Code and config generators, one folder per target.
        .target(
            name: "StrataGen",
            dependencies: [
                "StrataModel", "StrataAnalysis", "StrataDiagnostics",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // Structural layout and SVG writer for topology and call diagrams.
        .target(name: "StrataDiagram", dependencies: ["StrataModel", "StrataAnalysis", "StrataDiagnostics"]),
        // `strata up` and `strata down` as a library: the run plan (from the emitters' plans), process
        // supervision with a watchdog so no child outlives it, readiness probes, the state file.
        .target(
            name: "StrataRun",
            dependencies: ["StrataModel", "StrataAnalysis", "StrataGen", .product(name: "Subprocess", package: "swift-subprocess")]
        ),
        // The pipeline driver: read → compile → analyse and check → generate / draw / run; the
        // generator list, check-then-refuse, the atomic output writer, report tables, the
        // check run and its output plan, formatting, diagrams (and PNGs through rsvg-convert).
        .target(
            name: "StrataDriver",
            dependencies: [
                "StrataDiagnostics", "StrataSyntax", "StrataModel", "StrataAnalysis", "StrataRules", "StrataGen", "StrataDiagram", "StrataRun",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // Thin command-line front end: parses options and calls the driver.
        .executableTarget(
            name: "strata",
            dependencies: [
                "StrataDriver", "StrataDiagnostics", "StrataRun",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmark driver (scripts/bench builds it in release mode).
        .executableTarget(name: "strata-bench", dependencies: ["StrataDriver", "StrataSyntax", "StrataModel", "StrataDiagnostics", "StrataAnalysis", "StrataRules", "StrataGen"]),
        // Helpers shared by the test targets: the repository root, whole-file goldens, external tools, schemas.
        .target(name: "StrataTestSupport", path: "Tests/StrataTestSupport"),
        .testTarget(name: "StrataDiagnosticsTests", dependencies: ["StrataDiagnostics", "StrataTestSupport"]),
        .testTarget(name: "StrataSyntaxTests", dependencies: ["StrataSyntax", "StrataTestSupport"]),
        .testTarget(name: "StrataModelTests", dependencies: ["StrataModel", "StrataSyntax", "StrataTestSupport"]),
        .testTarget(name: "StrataAnalysisTests", dependencies: ["StrataAnalysis", "StrataModel", "StrataTestSupport"]),
        .testTarget(name: "StrataRulesTests", dependencies: ["StrataRules", "StrataDriver", "StrataAnalysis", "StrataModel", "StrataDiagnostics", "StrataTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "StrataGenTests", dependencies: ["StrataGen", "StrataDriver", "StrataModel", "StrataRules", "StrataTestSupport", .product(name: "Yams", package: "Yams")],
                    exclude: ["Goldens"]),
        .testTarget(name: "StrataDiagramTests", dependencies: ["StrataDiagram", "StrataModel", "StrataRules", "StrataTestSupport"], exclude: ["Goldens"]),
        .testTarget(name: "StrataRunTests", dependencies: ["StrataRun", "StrataDriver", "StrataGen", "StrataTestSupport"]),
        .testTarget(name: "StrataDriverTests", dependencies: ["StrataDriver", "StrataGen", "StrataTestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "StrataCLITests", dependencies: ["strata", "StrataDriver", "StrataDiagnostics", "StrataModel", "StrataTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
