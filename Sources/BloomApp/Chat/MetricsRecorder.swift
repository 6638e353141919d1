import BloomCore
import BloomStore
import Synchronization

/// Collects one ``ModelMetricRecord`` per routed chat and writes them to the store in batches:
/// when `batchSize` are waiting, every `interval` from ``run()``, and once more at shutdown
/// through ``flush()``. Recording never waits for the database.
///
/// - Note: a batch that fails to write is logged and dropped, not retried: metrics are for
///   trends, and holding them back would grow memory while the database is down.
final class MetricsRecorder: Sendable {
    let store: any Store
    let batchSize: Int
    let interval: Duration
    let logger: Logger
    /// Owned by the mutex: records not yet handed to the store.
    private let waiting = Mutex<[ModelMetricRecord]>([])

    init(store: any Store, batchSize: Int = 50, interval: Duration = .seconds(5), logger: Logger) {
        self.store = store
        self.batchSize = batchSize
        self.interval = interval
        self.logger = logger
    }

    func record(_ record: ModelMetricRecord) {
        let full = self.waiting.withLock {
            $0.append(record)
            return $0.count >= self.batchSize
        }
        if full { Task { await self.flush() } }
    }

    /// Records not yet written.
    var pending: Int { self.waiting.withLock { $0.count } }

    /// Writes what is waiting, in one call.
    func flush() async {
        let batch = self.waiting.withLock { records in
            defer { records.removeAll(keepingCapacity: true) }
            return records
        }
        guard !batch.isEmpty else { return }
        do {
            try await self.store.recordMetrics(batch)
        } catch {
            self.logger.warning(
                "model metrics not stored", metadata: ["records": .integer(batch.count), "error": .string("\(error)")])
        }
    }

    /// Flushes every interval until cancelled, then once more.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: self.interval)
            await self.flush()
        }
        await self.flush()
    }
}
