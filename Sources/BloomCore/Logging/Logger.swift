import Foundation

/// A labelled logger with a minimum level and metadata, shaped like swift-log's but owned by Bloom.
///
/// Loggers are values passed to the code that uses them, never globals: the app builds one root logger and
/// hands each subsystem a ``child(label:metadata:)``, so every line names where it came from. Copies share
/// the sink; changing `level` or `metadata` on a copy affects only that copy.
///
/// Put values in metadata (`request.id`, `model`, `provider`) rather than in the message text, so logfmt and
/// JSON lines stay queryable and ``Redaction`` can see the keys.
public struct Logger: Sendable {
    /// The dotted name written with every record, such as `bloom.http`.
    public let label: String
    /// Records below this level are dropped before their message is built.
    public var level: LogLevel
    /// Metadata attached to every record from this logger; a call's own metadata wins on a key clash.
    public var metadata: LogMetadata
    /// Where records go; shared with every child.
    public let sink: any LogSink

    public init(label: String, level: LogLevel = .info, sink: any LogSink) {
        self.label = label
        self.level = level
        self.metadata = [:]
        self.sink = sink
    }

    /// Reads or sets one metadata value on this logger, as swift-log's `logger[metadataKey:]` does.
    public subscript(metadataKey key: String) -> LogValue? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    /// A logger for a sub-component: its label is `parent.child`, its metadata is this logger's merged with
    /// `metadata` (the child's values win), and it keeps this logger's level and sink.
    public func child(label: String, metadata: LogMetadata = [:]) -> Logger {
        let childLabel = self.label.isEmpty ? label : "\(self.label).\(label)"
        var child = Logger(label: childLabel, level: self.level, sink: self.sink)
        child.metadata = self.metadata.merging(metadata) { _, childValue in childValue }
        return child
    }

    /// Whether a record at `level` would be written; use it to guard work that builds several log calls.
    public func isEnabled(_ level: LogLevel) -> Bool {
        level >= self.level
    }

    /// Logs `message` at `level`.
    ///
    /// Neither autoclosure runs when the level is disabled, so an expensive message costs nothing then.
    /// Metadata is merged (call over logger) and passed through ``Redaction`` here, the one place every record
    /// is built, so no sink can receive a secret by forgetting to redact.
    public func log(
        level: LogLevel,
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> LogMetadata = [:]
    ) {
        guard self.isEnabled(level) else {
            return
        }
        let callMetadata = metadata()
        let merged =
            callMetadata.isEmpty
            ? self.metadata
            : self.metadata.merging(callMetadata) { _, callValue in callValue }
        let record = LogRecord(
            timestamp: Date(),
            level: level,
            label: self.label,
            message: message(),
            metadata: Redaction.redact(merged)
        )
        self.sink.write(record)
    }
}
