/// One method per level, so call sites read `logger.info("listening", metadata: ["address": "…"])`.
extension Logger {
    /// Logs at ``LogLevel/trace``: step-by-step detail for chasing a bug, off in production.
    public func trace(_ message: @autoclosure () -> String, metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(level: .trace, message(), metadata: metadata())
    }

    /// Logs at ``LogLevel/debug``: internal decisions useful while developing.
    public func debug(_ message: @autoclosure () -> String, metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(level: .debug, message(), metadata: metadata())
    }

    /// Logs at ``LogLevel/info``: lifecycle events such as listening, model loaded, shutting down.
    public func info(_ message: @autoclosure () -> String, metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(level: .info, message(), metadata: metadata())
    }

    /// Logs at ``LogLevel/notice``: unusual but expected events worth seeing in normal operation.
    public func notice(_ message: @autoclosure () -> String, metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(level: .notice, message(), metadata: metadata())
    }

    /// Logs at ``LogLevel/warning``: degraded service that recovers on its own.
    public func warning(_ message: @autoclosure () -> String, metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(level: .warning, message(), metadata: metadata())
    }

    /// Logs at ``LogLevel/error``: something an operator must act on.
    public func error(_ message: @autoclosure () -> String, metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(level: .error, message(), metadata: metadata())
    }

    /// Logs at ``LogLevel/critical``: the process cannot continue or data is at risk.
    public func critical(_ message: @autoclosure () -> String, metadata: @autoclosure () -> LogMetadata = [:]) {
        self.log(level: .critical, message(), metadata: metadata())
    }
}
