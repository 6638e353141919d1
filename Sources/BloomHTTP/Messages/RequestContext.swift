public import BloomCore

/// What a handler knows about its request besides the request itself.
public struct RequestContext: Sendable {
    /// The id echoed in `X-Request-ID` and written in every log line of the request.
    public var requestID: String
    /// The peer's address as `ip:port`.
    public let remoteAddress: String
    /// When the request head was complete, in monotonic nanoseconds (``MonotonicClock``).
    public let receivedAt: UInt64
    /// Values of the route's `{name}` path segments, percent-decoded.
    public var parameters: [String: String] = [:]
    /// The route pattern that matched (`/api/models/{name}`), for logs and metrics.
    public var route: String?
    /// Set once the server begins a graceful shutdown; long streams end when it fires.
    public let shutdown: ShutdownSignal
    private let baseLogger: Logger

    public init(
        requestID: String,
        remoteAddress: String,
        receivedAt: UInt64,
        shutdown: ShutdownSignal,
        logger: Logger
    ) {
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        self.receivedAt = receivedAt
        self.shutdown = shutdown
        self.baseLogger = logger
    }

    /// The server's logger with this request's id attached.
    public var logger: Logger {
        var logger = self.baseLogger
        logger[metadataKey: "request.id"] = .string(self.requestID)
        return logger
    }

    /// The value of path parameter `name`; a missing one is a bug in the route table.
    public func parameter(_ name: String) -> String {
        guard let value = self.parameters[name] else {
            preconditionFailure("route \(self.route ?? "?") has no path parameter {\(name)}")
        }
        return value
    }
}
