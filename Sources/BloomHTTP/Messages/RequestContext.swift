public import BloomCore

/// What a handler knows about its request besides the request itself.
public struct RequestContext: Sendable {
    /// The id echoed in `X-Request-ID` and written in every log line of the request.
    public var requestID: String
    /// When the request head was complete, in monotonic nanoseconds (``MonotonicClock``).
    public let receivedAt: UInt64
    /// Values of the route's `{name}` path segments, percent-decoded.
    public var parameters: [String: String] = [:]
    /// The route pattern that matched (`/api/models/{name}`), for logs and metrics.
    public var route: String?
    /// What every request of one connection shares, behind one reference so that creating and
    /// copying a context per request stays cheap.
    let connection: ConnectionEnvironment

    public init(
        requestID: String,
        remoteAddress: String,
        receivedAt: UInt64,
        shutdown: ShutdownSignal,
        logger: Logger
    ) {
        let connection = ConnectionEnvironment(remoteAddress: remoteAddress, shutdown: shutdown, logger: logger)
        self.init(requestID: requestID, receivedAt: receivedAt, connection: connection)
    }

    init(requestID: String, receivedAt: UInt64, connection: ConnectionEnvironment) {
        self.requestID = requestID
        self.receivedAt = receivedAt
        self.connection = connection
    }

    /// The peer's address as `ip:port`.
    public var remoteAddress: String { self.connection.remoteAddress }

    /// Set once the server begins a graceful shutdown; long streams end when it fires.
    public var shutdown: ShutdownSignal { self.connection.shutdown }

    /// The server's logger with this request's id attached.
    public var logger: Logger {
        var logger = self.connection.logger
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

/// The parts of a request's context that belong to its connection.
final class ConnectionEnvironment: Sendable {
    let remoteAddress: String
    let shutdown: ShutdownSignal
    let logger: Logger

    init(remoteAddress: String, shutdown: ShutdownSignal, logger: Logger) {
        self.remoteAddress = remoteAddress
        self.shutdown = shutdown
        self.logger = logger
    }
}
