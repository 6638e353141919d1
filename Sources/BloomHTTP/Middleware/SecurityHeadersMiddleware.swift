/// Headers that make browsers treat Bloom's responses conservatively.
///
/// Every response gets ``standardHeaders`` (no MIME sniffing, no framing, a referrer policy),
/// written by the server from ``HTTPServerConfiguration/standardHeaders``, which is where the
/// application puts them. HTML additionally gets, from this middleware, a
/// Content-Security-Policy that allows only same-origin scripts, styles and connections and no
/// inline script, so text from a model or a visitor can never run.
public struct SecurityHeadersMiddleware: HTTPMiddleware {
    public static let standardHeaders: HTTPHeaders = [
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    ]

    public static let htmlPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ].joined(separator: "; ")

    public init() {}

    public func decorate(_ response: inout HTTPResponse, request: HTTPRequest?, context: RequestContext) {
        guard let type = response.headers["Content-Type"], type.hasPrefix("text/html") else { return }
        response.headers.setIfAbsent("Content-Security-Policy", Self.htmlPolicy)
        response.headers.setIfAbsent("Cross-Origin-Opener-Policy", "same-origin")
    }
}
