import Foundation

/// A response: status, headers, and a body that is either complete or produced over time.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body
    /// The route pattern that produced the response, for the access log and metrics.
    public var route: String?
    /// The request's id, for the access log; the `X-Request-ID` header carries it to the client.
    public var requestID = ""

    /// What follows the head.
    public enum Body: Sendable {
        /// Bytes known in full; sent with `Content-Length`.
        case bytes([UInt8])
        /// Bytes produced by an async writer; sent chunked (HTTP/1.1) or close-delimited (1.0).
        /// The closure runs in the request's task, so a client that leaves cancels it.
        case stream(@Sendable (ResponseBodyWriter) async throws -> Void)
    }

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.headers.reserveTypicalCapacity()
        self.body = body
    }

    /// A response with a text body and its media type.
    public static func text(_ text: String, status: HTTPStatus = .ok, contentType: String = "text/plain; charset=utf-8")
        -> HTTPResponse
    {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: .bytes(Array(text.utf8)))
    }

    /// A JSON response from bytes already encoded.
    public static func json(bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: .bytes(bytes))
    }

    /// A JSON response from an `Encodable` value.
    public static func json<Value: Encodable>(_ value: Value, status: HTTPStatus = .ok) throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return .json(bytes: Array(try encoder.encode(value)), status: status)
    }

    /// A JSON response from a JSONSerialization-compatible object (dictionaries, arrays, numbers).
    public static func json(object: Any, status: HTTPStatus = .ok) throws -> HTTPResponse {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return .json(bytes: Array(data), status: status)
    }
}
