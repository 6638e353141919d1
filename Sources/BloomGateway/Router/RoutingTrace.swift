import BloomCore
import Synchronization

/// What the router did for one request, filled in as it goes, readable whether routing ended
/// in a generation or in ``RouterError``: the chat's diagnostic headers and metrics read it.
///
/// Upstream wait is the time spent inside provider attempts, from the call that starts one to
/// its first event or its failure. The rest of the router's time before the first token
/// (candidate choice, queueing for a slot, retry backoff) is the gateway's own.
public final class RoutingTrace: Sendable {
    private struct State {
        var attempts = 0
        var modelsTried: [String] = []
        var upstreamNanoseconds: UInt64 = 0
        var lastFailureKind: String?
    }

    /// Owned by the mutex; the router writes, the caller reads after routing returned.
    private let state = Mutex(State())

    public init() {}

    /// Attempts made on any endpoint, including the one that answered.
    public var attempts: Int { self.state.withLock { $0.attempts } }

    /// Candidate models in the order the router reached them, skipped ones included.
    public var modelsTried: [String] { self.state.withLock { $0.modelsTried } }

    /// Time spent waiting on providers, over every attempt.
    public var upstreamWait: Duration { .nanoseconds(Int64(self.state.withLock { $0.upstreamNanoseconds })) }

    /// The kind of the last provider failure (`timedOut`, `unreachable`, …), if any.
    public var lastFailureKind: String? { self.state.withLock { $0.lastFailureKind } }

    func reached(_ model: String) { self.state.withLock { $0.modelsTried.append(model) } }

    func attempted(upstreamNanoseconds: UInt64) {
        self.state.withLock {
            $0.attempts += 1
            $0.upstreamNanoseconds &+= upstreamNanoseconds
        }
    }

    func failed(kind: String) { self.state.withLock { $0.lastFailureKind = kind } }
}
