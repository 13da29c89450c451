/// Names of generated Kubernetes objects: DNS labels within Kubernetes' limits, deterministic.
///
/// Spec names are DNS labels of at most 63 characters, but joined names such as
/// `<service>-<set>` can exceed a limit. Those keep a readable prefix and end in `-` and eight hex
/// digits of a hash of the full name, so the result is stable across builds and two long names
/// that share a prefix still differ.
enum KubernetesNames {
    /// Longest label value and DNS label (object names that become hostnames, Service names).
    static let labelLimit = 63
    /// Longest workload name: a StatefulSet adds `-<10-character revision hash>` to its name in the
    /// `controller-revision-hash` label of its pods, which must stay within 63 characters.
    static let workloadLimit = 52

    /// `parts` joined with `-`, shortened with a hash suffix when longer than `limit`.
    static func join(_ parts: [String], limit: Int = labelLimit) -> String {
        fit(parts.filter { !$0.isEmpty }.joined(separator: "-"), limit: limit)
    }

    /// `name` itself when it fits in `limit` bytes; else a prefix of it, `-` and a hash of all of it.
    static func fit(_ name: String, limit: Int = labelLimit) -> String {
        let bytes = Array(name.utf8)
        guard bytes.count > limit else { return name }
        let suffix = hash(name)
        var prefix = Array(bytes.prefix(limit - suffix.utf8.count - 1))
        while let last = prefix.last, last == UInt8(ascii: "-") || last == UInt8(ascii: ".") { prefix.removeLast() }
        return String(decoding: prefix, as: UTF8.self) + "-" + suffix
    }

    /// Eight lowercase hex digits of the 32-bit FNV-1a hash of `text` (stable across platforms and runs).
    static func hash(_ text: String) -> String {
        var h: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            h ^= UInt32(byte)
            h = h &* 0x0100_0193
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
