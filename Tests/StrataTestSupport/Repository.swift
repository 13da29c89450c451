import Foundation

/// The root of the repository these tests belong to (three levels above this file:
/// `Tests/StrataTestSupport/Repository.swift`). Specs, goldens and schemas are found from it.
public let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The absolute path of `relative` inside the repository, e.g. `repositoryPath("specs/shop.strata")`.
public func repositoryPath(_ relative: String) -> String {
    repositoryRoot.appendingPathComponent(relative).path
}

/// The `.strata` files directly inside `folder` of the repository, as repository-relative paths
/// (`specs/shop.strata`), sorted. Throws when the folder cannot be read or holds no spec, so that a
/// test over them can never pass by checking nothing.
public func strataFiles(in folder: String) throws -> [String] {
    let names = try FileManager.default.contentsOfDirectory(atPath: repositoryPath(folder))
    let specs = names.filter { $0.hasSuffix(".strata") }.sorted().map { folder + "/" + $0 }
    guard !specs.isEmpty else { throw NoSpecsError(folder: folder) }
    return specs
}

/// `strataFiles(in:)` found no spec in a folder.
public struct NoSpecsError: Error, CustomStringConvertible {
    public let folder: String
    public var description: String { "\(repositoryPath(folder)) holds no .strata file" }
}
