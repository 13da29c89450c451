import Foundation
import StrataModel

/// Every analysis of one architecture, each computed once and then shared: the checker's
/// rules, the generators, the diagrams, `strata simulate`, `--report` and `strata up` all read
/// the same call graph and deployment instead of rebuilding them.
///
/// The call graph and the deployment are built eagerly (every consumer needs them); the
/// failure simulation, the availability model and the latency models on first use. Safe to
/// share between threads: lazy members are built under a lock. A ``LatencyModel`` memoises
/// as it answers and is not thread-safe, so ``latency(after:)`` hands out the shared model
/// for one thread at a time (the rules, which run in sequence), and
/// ``freshLatencyModel(after:)`` a private one for everyone else.
public final class ArchitectureAnalyses: @unchecked Sendable {
    public let architecture: Architecture
    public let callGraph: CallGraph
    public let deployment: Deployment

    private let lock = NSLock()
    private var simulationValue: FailureSimulation?
    private var availabilityValue: AvailabilityModel?
    private var latencyModels: [DomainID?: LatencyModel] = [:]

    public init(_ architecture: Architecture) {
        self.architecture = architecture
        callGraph = CallGraph(architecture)
        deployment = Deployment(architecture, graph: callGraph)
    }

    /// The exact single-failure simulation up to the `survive` level.
    public var simulation: FailureSimulation {
        lock.withLock {
            if let value = simulationValue { return value }
            let value = FailureSimulation(deployment)
            simulationValue = value
            return value
        }
    }

    /// The availability estimate of every public endpoint per set.
    public var availability: AvailabilityModel {
        lock.withLock {
            if let value = availabilityValue { return value }
            let value = AvailabilityModel(deployment)
            availabilityValue = value
            return value
        }
    }

    /// The shared latency model with no failure (nil) or with one domain lost; built once per
    /// failure. For the checker's rules, which run one after the other.
    public func latency(after failure: DomainID? = nil) -> LatencyModel {
        lock.withLock {
            if let model = latencyModels[failure] { return model }
            let model = LatencyModel(deployment, failure: failure)
            latencyModels[failure] = model
            return model
        }
    }

    /// A latency model of the caller's own, for code that may run beside the rules or other
    /// generators (diagrams).
    public func freshLatencyModel(after failure: DomainID? = nil) -> LatencyModel {
        LatencyModel(deployment, failure: failure)
    }

    /// The per-endpoint figures of `strata check --report`.
    public var report: EndpointReport {
        EndpointReport(deployment, simulation: simulation, availability: availability, latency: { self.latency(after: $0) })
    }

    /// `level name` of a domain, e.g. `idc sh-a`.
    public func describe(_ domain: DomainID) -> String {
        "\(architecture.topology[domain].level) \(architecture.topology[domain].name)"
    }
}
