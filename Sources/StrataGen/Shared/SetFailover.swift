import StrataAnalysis
import StrataModel

/// Where a set's traffic goes when the set cannot serve it: the failure analysis's order
/// (``FailoverOrder``), or nowhere under `failover none`. The gateways' failover priorities, the
/// deployed gateways' and the generated runtime's discovery order all come from here.
enum SetFailover {
    /// The other sets, nearest first (``FailoverOrder/others(from:in:)``); none under `failover none`.
    static func order(from set: Int, in architecture: Architecture) -> [Int] {
        guard architecture.striping.failover == .nearest else { return [] }
        return FailoverOrder.others(from: set, in: architecture)
    }
}
