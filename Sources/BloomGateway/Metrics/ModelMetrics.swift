import Synchronization

/// In-memory counters and latency samples per model and per deployment (`model|endpoint`),
/// recorded by the router; read by `/api/models` and, later, `/metrics` and the store.
public final class ModelMetrics: Sendable {
    /// A point-in-time copy of one key's figures.
    public struct Snapshot: Sendable, Equatable {
        public var requests = 0
        public var successes = 0
        /// Failures by ``ProviderError/Kind`` name (and `cancelled` for callers that left).
        public var failures: [String: Int] = [:]
        public var retries = 0
        public var fallbacks = 0
        public var latencyP50Milliseconds: Double?
        public var latencyP95Milliseconds: Double?
        public var timeToFirstTokenP50Milliseconds: Double?
        public var tokensIn = 0
        public var tokensOut = 0
        /// Completion tokens per second of generation time, over all generations recorded.
        public var tokensPerSecond: Double?
    }

    private struct Record {
        var snapshot = Snapshot()
        var latencies = Samples()
        var firstTokens = Samples()
        var generationSeconds = 0.0
    }

    /// The last 512 values, for percentiles that follow the recent behaviour.
    private struct Samples {
        private var values: [Double] = []
        private var next = 0

        mutating func add(_ value: Double) {
            if self.values.count < 512 {
                self.values.append(value)
            } else {
                self.values[self.next] = value
                self.next = (self.next + 1) % 512
            }
        }

        func percentile(_ fraction: Double) -> Double? {
            guard !self.values.isEmpty else { return nil }
            let sorted = self.values.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))]
        }
    }

    /// Owned by the mutex: one record per model name and per deployment key.
    private let records = Mutex<[String: Record]>([:])

    public init() {}

    public func snapshot(_ key: String) -> Snapshot {
        self.records.withLock { records in
            guard let record = records[key] else { return Snapshot() }
            var snapshot = record.snapshot
            snapshot.latencyP50Milliseconds = record.latencies.percentile(0.5)
            snapshot.latencyP95Milliseconds = record.latencies.percentile(0.95)
            snapshot.timeToFirstTokenP50Milliseconds = record.firstTokens.percentile(0.5)
            if record.generationSeconds > 0 {
                snapshot.tokensPerSecond = Double(snapshot.tokensOut) / record.generationSeconds
            }
            return snapshot
        }
    }

    // MARK: - Recording (router)

    func attempt(_ keys: [String], isRetry: Bool) {
        self.update(keys) { record in
            record.snapshot.requests += 1
            if isRetry { record.snapshot.retries += 1 }
        }
    }

    func fellBack(from model: String) { self.update([model]) { $0.snapshot.fallbacks += 1 } }

    func failed(_ keys: [String], kind: String) { self.update(keys) { $0.snapshot.failures[kind, default: 0] += 1 } }

    func firstToken(_ keys: [String], milliseconds: Double) { self.update(keys) { $0.firstTokens.add(milliseconds) } }

    func succeeded(_ keys: [String], milliseconds: Double, summary: GenerationSummary) {
        self.update(keys) { record in
            record.snapshot.successes += 1
            record.latencies.add(milliseconds)
            record.snapshot.tokensIn += summary.promptTokens
            record.snapshot.tokensOut += summary.completionTokens
            if let duration = summary.generationDuration {
                record.generationSeconds +=
                    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            }
        }
    }

    private func update(_ keys: [String], _ change: (inout Record) -> Void) {
        self.records.withLock { records in
            for key in keys { change(&records[key, default: Record()]) }
        }
    }
}
