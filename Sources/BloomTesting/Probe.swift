import Synchronization

/// A thread-safe notebook that handlers write to and tests read from: named events and
/// counters, with a wait that polls until a condition holds or a timeout passes.
public final class Probe: Sendable {
    private struct State {
        var events: Set<String> = []
        var counters: [String: Int] = [:]
    }

    /// Owned by the mutex.
    private let state = Mutex(State())

    public init() {}

    public func mark(_ event: String) { self.state.withLock { _ = $0.events.insert(event) } }

    public func has(_ event: String) -> Bool { self.state.withLock { $0.events.contains(event) } }

    public func add(_ amount: Int, to counter: String) {
        self.state.withLock { $0.counters[counter, default: 0] += amount }
    }

    public func count(_ counter: String) -> Int { self.state.withLock { $0.counters[counter] ?? 0 } }

    /// Polls `condition` every 10 ms; true when it held within `timeout`.
    public func waitUntil(timeout: Duration = .seconds(5), _ condition: @Sendable () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
