/// Helpers shared by the placement rules, one concern per file in this folder:
/// the hard dependencies of public endpoints (`HardDependencies.swift`), instance
/// counts per failure domain (`DomainCounts.swift`), how components and placements
/// are named in messages (`ComponentNaming.swift`) and how numbers and lists read
/// in messages (`MessageText.swift`). The call graph's strongly connected components
/// are ``CallGraph/stronglyConnectedComponents(including:)``.
enum PlacementSupport {}
