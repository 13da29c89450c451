import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a supervisor learns that it must stop: SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal
/// went away) set a flag instead of killing it, so that it can stop its children in order.
/// SIGPIPE is ignored: when the reader of its output goes away (`strata up | tee log` and Ctrl-C
/// kills tee first), writes fail with EPIPE and are dropped, and the supervisor goes on to stop
/// everything instead of dying with its children left behind.
public final class StopSignals: @unchecked Sendable {
    /// The signals that request a stop.
    public static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private let lock = NSLock()
    private var received: Int32?
    private var sources: [any DispatchSourceSignal] = []

    public init() {
        signal(SIGPIPE, SIG_IGN)
        for number in Self.handled {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.withLock { if self.received == nil { self.received = number } }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// True once a stop signal arrived.
    public var stopRequested: Bool { lock.withLock { received != nil } }

    /// The first stop signal received.
    public var signalReceived: Int32? { lock.withLock { received } }
}
