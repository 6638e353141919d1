import Synchronization

/// A concurrency limit per deployment with a bounded queue: a request waits for a slot only
/// while few others do, and is turned away at once when the queue is full, so no request
/// waits without bound.
final class DeploymentSlots: Sendable {
    private struct Queue {
        var running = 0
        var waiting: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    private let limit: Int
    private let queueLimit: Int
    /// Owned by the mutex: per deployment key, what runs and who waits, and an id counter.
    private let state = Mutex<(queues: [String: Queue], nextID: UInt64)>(([:], 0))

    init(limit: Int, queueLimit: Int) {
        precondition(limit > 0, "a deployment needs at least one slot")
        self.limit = limit
        self.queueLimit = queueLimit
    }

    /// Takes a slot, waiting in the queue if needed; false when the queue is full or the task
    /// was cancelled while waiting. `limit` overrides the default slot count for this key.
    func acquire(_ key: String, limit: Int? = nil) async -> Bool {
        let slots = max(1, limit ?? self.limit)
        let decision = self.state.withLock { state -> (granted: Bool?, id: UInt64) in
            var queue = state.queues[key, default: Queue()]
            defer { state.queues[key] = queue }
            if queue.running < slots {
                queue.running += 1
                return (true, 0)
            }
            if queue.waiting.count >= self.queueLimit { return (false, 0) }
            state.nextID &+= 1
            return (nil, state.nextID)
        }
        if let granted = decision.granted { return granted }
        let id = decision.id
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let queued = self.state.withLock { state -> Bool in
                    if Task.isCancelled { return false }
                    state.queues[key, default: Queue()].waiting.append((id, continuation))
                    return true
                }
                if !queued { continuation.resume(returning: false) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard let index = state.queues[key]?.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.queues[key]?.waiting.remove(at: index).continuation
            }
            waiter?.resume(returning: false)
        }
    }

    /// Requests running and waiting on `key` now.
    func depth(_ key: String) -> (running: Int, waiting: Int) {
        self.state.withLock { state in
            let queue = state.queues[key] ?? Queue()
            return (queue.running, queue.waiting.count)
        }
    }

    /// Gives a slot back, handing it straight to the first waiter if there is one.
    func release(_ key: String) {
        let next = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard var queue = state.queues[key] else { return nil }
            defer { state.queues[key] = queue }
            if queue.waiting.isEmpty {
                queue.running -= 1
                return nil
            }
            return queue.waiting.removeFirst().continuation
        }
        next?.resume(returning: true)
    }
}
