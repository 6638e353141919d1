public import BloomCore
import Synchronization

/// Keeps log records in memory so tests can assert on what was logged.
public final class MemoryLogSink: LogSink {
    /// Owned by the mutex: every record written so far.
    private let stored = Mutex<[LogRecord]>([])

    public init() {}

    public func write(_ record: LogRecord) {
        self.stored.withLock { $0.append(record) }
    }

    public var records: [LogRecord] { self.stored.withLock { $0 } }

    /// Every record rendered as a logfmt line, for searching for text that must not appear.
    public var renderedLines: [String] {
        self.records.map { LogFormatter.format($0, as: .logfmt) }
    }

    /// A logger at `trace` level writing here.
    public func logger(label: String = "test") -> Logger {
        Logger(label: label, level: .trace, sink: self)
    }
}
