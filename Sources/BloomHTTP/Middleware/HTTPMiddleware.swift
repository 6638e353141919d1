/// A step every request passes through before routing and every response after it.
///
/// Middleware is synchronous on purpose: it runs on the event loop for the fast handlers too,
/// and none of Bloom's cross-cutting concerns (ids, CORS, headers) need to wait.
public protocol HTTPMiddleware: Sendable {
    /// May rewrite the request or context, or answer the request itself (a CORS preflight).
    func intercept(_ request: inout HTTPRequest, context: inout RequestContext) -> HTTPResponse?

    /// Adjusts every response, errors included. `request` is nil when the server refused the
    /// request before it was complete.
    func decorate(_ response: inout HTTPResponse, request: HTTPRequest?, context: RequestContext)
}

extension HTTPMiddleware {
    public func intercept(_ request: inout HTTPRequest, context: inout RequestContext) -> HTTPResponse? { nil }
    public func decorate(_ response: inout HTTPResponse, request: HTTPRequest?, context: RequestContext) {}
}
