/// Headers that make browsers treat Bloom's responses conservatively.
///
/// HTML gets a Content-Security-Policy that allows only same-origin scripts, styles and
/// connections and no inline script, so text from a model or a visitor can never run.
public struct SecurityHeadersMiddleware: HTTPMiddleware {
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
        response.headers.setIfAbsent("X-Content-Type-Options", "nosniff")
        response.headers.setIfAbsent("X-Frame-Options", "DENY")
        response.headers.setIfAbsent("Referrer-Policy", "strict-origin-when-cross-origin")
        if let type = response.headers["Content-Type"], type.hasPrefix("text/html") {
            response.headers.setIfAbsent("Content-Security-Policy", Self.htmlPolicy)
            response.headers.setIfAbsent("Cross-Origin-Opener-Policy", "same-origin")
        }
    }
}
