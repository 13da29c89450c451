// swift-tools-version:6.0
// The libFuzzer harness for Strata's front end. A separate package so that the
// root `swift build` never builds it: it needs `-sanitize=fuzzer,address` and
// `-parse-as-library`, which would break the root package's executables.
// Build and run it with `scripts/fuzz [seconds]` from anywhere in the repository.
import PackageDescription

let package = Package(
    name: "strata-fuzz",
    dependencies: [
        .package(name: "strata", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "StrataFuzzer",
            dependencies: [
                .product(name: "StrataDiagnostics", package: "strata"),
                .product(name: "StrataSyntax", package: "strata"),
                .product(name: "StrataModel", package: "strata"),
                .product(name: "StrataRules", package: "strata"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
