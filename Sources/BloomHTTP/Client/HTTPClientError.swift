/// Why a request to an upstream server (a model server) failed.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL is not an `http://host[:port]/path` URL.
    case invalidURL(String)
    /// The host name did not resolve.
    case unresolvedHost(String)
    /// The TCP connection was refused or failed; `reason` is the system's word for it.
    case connectFailed(address: String, reason: String)
    /// No connection within the connect timeout.
    case connectTimedOut(address: String)
    /// The server sent something that is not HTTP/1.x.
    case malformedResponse(String)
    /// The connection closed before the response was complete.
    case closedEarly
    /// The caller's timeout expired or it was cancelled.
    case timedOut(String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid upstream URL \"\(url)\": expected http://host[:port]/path"
        case .unresolvedHost(let host): "the host name \"\(host)\" does not resolve"
        case .connectFailed(let address, let reason): "connecting to \(address) failed: \(reason)"
        case .connectTimedOut(let address): "no connection to \(address) within the connect timeout"
        case .malformedResponse(let detail): "the upstream response is not valid HTTP: \(detail)"
        case .closedEarly: "the upstream closed the connection before the response was complete"
        case .timedOut(let what): "timed out waiting for \(what)"
        }
    }
}
