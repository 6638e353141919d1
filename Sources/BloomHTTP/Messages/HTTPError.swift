/// An error that already knows the response it becomes.
///
/// Handlers throw these (or errors conforming to ``HTTPErrorConvertible``); ``ErrorResponder``
/// is the one place that turns any thrown error into a response.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPStatus
    /// A stable, machine-readable name (`payload_too_large`, `not_found`).
    public var code: String
    /// A sentence for people: what was wrong and, where possible, what to do.
    public var message: String
    /// Extra headers such as `Allow` or `Retry-After`.
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, code: String, message: String, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(self.status.code) \(self.code): \(self.message)" }

    public static func badRequest(_ message: String, code: String = "bad_request") -> HTTPError {
        HTTPError(.badRequest, code: code, message: message)
    }

    public static func notFound(_ message: String, code: String = "not_found") -> HTTPError {
        HTTPError(.notFound, code: code, message: message)
    }
}

/// Domain errors that map to an HTTP error adopt this, so handlers can throw them directly.
public protocol HTTPErrorConvertible: Error {
    var httpError: HTTPError { get }
}

/// Thrown to a streaming body writer when the client has gone or the server closed the stream.
public struct ConnectionClosedError: Error, Sendable, CustomStringConvertible {
    public var description: String { "the client connection is closed" }
}
