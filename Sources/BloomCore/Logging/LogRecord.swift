public import Foundation

/// One event handed to a ``LogSink``.
///
/// A ``Logger`` builds the record only for enabled levels, and has already merged its own metadata with the
/// call's and passed every pair through ``Redaction``, so sinks can write the metadata as they find it.
public struct LogRecord: Sendable {
    /// When the event happened, taken from the wall clock at the log call.
    public var timestamp: Date
    public var level: LogLevel
    /// The dotted name of the logger that produced the record, such as `bloom.http`.
    public var label: String
    public var message: String
    public var metadata: LogMetadata

    public init(timestamp: Date, level: LogLevel, label: String, message: String, metadata: LogMetadata = [:]) {
        self.timestamp = timestamp
        self.level = level
        self.label = label
        self.message = message
        self.metadata = metadata
    }
}
