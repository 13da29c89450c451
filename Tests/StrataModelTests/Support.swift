import StrataDiagnostics
import StrataModel
import StrataSyntax

/// Compiles text and renders every diagnostic as `line:col id message`.
func compile(_ text: String, files: [String: String] = [:]) -> (Compilation, [String]) {
    let compilation = Compiler.compile(text: text, path: "spec.strata") { path in
        guard let content = files[path] else { throw SpecLoader.ReadError("No such file or directory") }
        return Array(content.utf8)
    }
    let lines = compilation.diagnostics.sortedForOutput().map { d in
        let loc = compilation.sources.location(d.primary.span)
        let file = compilation.sources.path(d.primary.span)
        return (file == "spec.strata" ? "" : file + ":") + "\(loc.line):\(loc.column) \(d.id) \(d.message)"
    }
    return (compilation, lines)
}

/// A minimal valid architecture with `body` inserted after the topology.
func spec(_ body: String, topology: String = "region east { city sh { idc sh-a { racks 2 }; idc sh-b { racks 2 } } }") -> String {
    """
    architecture demo {
      topology { \(topology) }
    \(body)
    }

    """
}

extension Architecture {
    /// `machine@rack@idc` of every instance of a component, in order.
    func placements(_ kind: ComponentKind, _ name: String) -> [String] {
        (instances[ComponentID(kind, name)] ?? []).map { i in
            let rack = topology.ancestor(of: i.machine, at: .rack)!
            let idc = topology.ancestor(of: i.machine, at: .idc)!
            return "\(topology[i.machine].name)@\(topology[idc].name)" + (i.set.map { "#\(sets[$0].name)" } ?? "") + (topology[rack].parent == idc ? "" : "!")
        }
    }
}
