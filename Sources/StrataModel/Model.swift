/// The resolved architecture. (Being filled in: see Resolver.swift.)
public struct Architecture: Sendable {
    public let name: String
}
