import Synchronization

/// A one-way flag that long-running handlers await to learn that the server is draining.
///
/// Streams race their producer against ``wait()`` so that a graceful shutdown can end them
/// with a final event instead of cutting them.
public final class ShutdownSignal: Sendable {
    private struct State {
        var fired = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    /// Owns `fired` and the waiting continuations.
    private let state = Mutex(State())

    public init() {}

    public var isFired: Bool { self.state.withLock { $0.fired } }

    /// Fires the signal, waking every waiter; later calls do nothing.
    public func fire() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.fired else { return [] }
            state.fired = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the signal fires, or at once when the calling task is cancelled.
    public func wait() async {
        let id = self.state.withLock { state -> UInt64 in
            state.nextID &+= 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = self.state.withLock { state -> Bool in
                    if state.fired || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
