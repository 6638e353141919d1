/// Cross-origin resource sharing for the configured origins (Fetch standard §3.2).
///
/// With no origins configured nothing is added and browsers keep the same-origin rule. `*`
/// allows any origin, without credentials. Preflights from an origin not on the list are
/// refused with 403 so the cause is visible in the browser's network panel.
public struct CORSMiddleware: HTTPMiddleware {
    public let allowedOrigins: Set<String>
    public let allowsAnyOrigin: Bool
    /// False when no origin is configured: then the middleware does nothing at all.
    private let isEnabled: Bool
    static let allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    static let allowedHeaders = "Content-Type, Authorization, X-Request-ID, X-CSRF-Token"

    public init(origins: [String]) {
        self.allowsAnyOrigin = origins.contains("*")
        self.allowedOrigins = Set(origins.filter { $0 != "*" }.map { $0.lowercased() })
        self.isEnabled = !origins.isEmpty
    }

    public func intercept(_ request: inout HTTPRequest, context: inout RequestContext) -> HTTPResponse? {
        guard self.isEnabled, request.method == .options, let origin = request.headers["Origin"],
            request.headers.contains("Access-Control-Request-Method")
        else { return nil }
        guard self.allows(origin) else {
            let error = HTTPError(
                .forbidden, code: "origin_not_allowed", message: "The origin \(origin) may not call this API.")
            return ErrorResponder.response(for: error, requestID: context.requestID)
        }
        var response = HTTPResponse(status: .noContent)
        response.headers.set("Access-Control-Allow-Methods", Self.allowedMethods)
        response.headers.set("Access-Control-Allow-Headers", Self.allowedHeaders)
        response.headers.set("Access-Control-Max-Age", "600")
        return response
    }

    public func decorate(_ response: inout HTTPResponse, request: HTTPRequest?, context: RequestContext) {
        guard self.isEnabled, let origin = request?.headers["Origin"], self.allows(origin) else { return }
        response.headers.set("Access-Control-Allow-Origin", self.allowsAnyOrigin ? "*" : origin)
        response.headers.set("Access-Control-Expose-Headers", "X-Request-ID, Retry-After")
        if !self.allowsAnyOrigin { response.headers.add("Vary", "Origin") }
    }

    func allows(_ origin: String) -> Bool {
        self.allowsAnyOrigin || self.allowedOrigins.contains(origin.lowercased())
    }
}
