/// Where a ``Logger`` sends its records: a stream, a test's recorder, later perhaps a ring buffer for `/logs`.
///
/// Sinks are shared by every logger derived from one root, across threads and tasks, so they must be
/// `Sendable` and must make `write(_:)` safe to call concurrently.
public protocol LogSink: Sendable {
    /// Writes one record. Must not block for long: it runs on the thread that logged.
    func write(_ record: LogRecord)
}
