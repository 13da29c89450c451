// swift-tools-version:6.0
// A bare Hummingbird "hello" server: the baseline of scripts/bench-gateway.
import PackageDescription

let package = Package(
    name: "strata-bench-hello",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "strata-bench-hello", targets: ["BenchHello"])],
    dependencies: [.package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1")],
    targets: [
        .executableTarget(name: "BenchHello", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
    ]
)
