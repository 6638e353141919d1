/// What the server calls to turn a request into a response.
///
/// `respond` runs on the connection's event loop, so it must not block: cheap work answers
/// with ``ResponseOutcome/now(_:)``, anything that waits answers ``ResponseOutcome/later(_:)``
/// and runs in a task whose cancellation follows the client connection.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext) -> ResponseOutcome

    /// The response for a request the server itself refused (malformed, too large, timed out).
    func response(for error: HTTPError, context: RequestContext) -> HTTPResponse

    /// Called once per exchange after the last byte of its response was queued, or when the
    /// connection ended first; for access logs and metrics.
    func exchangeFinished(_ record: ExchangeRecord)

    /// Whether ``exchangeFinished(_:)`` does anything; when false the server skips building
    /// the records. Read once, when the server is created.
    var recordsExchanges: Bool { get }
}

extension HTTPResponder {
    public var recordsExchanges: Bool { true }
}

/// A response available at once, or work that produces one later.
public enum ResponseOutcome: Sendable {
    case now(HTTPResponse)
    case later(@Sendable () async -> HTTPResponse)
}

/// The facts of one finished request/response exchange.
public struct ExchangeRecord: Sendable {
    public var method: HTTPMethod?
    public var target: String
    public var route: String?
    public var status: Int
    /// Body bytes sent (after chunk framing is removed).
    public var bytesSent: Int
    public var durationNanoseconds: UInt64
    public var requestID: String
    public var remoteAddress: String
    /// False when the client left or the stream failed before the response was complete.
    public var completed: Bool
}
