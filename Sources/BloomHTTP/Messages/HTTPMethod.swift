/// The request methods Bloom serves. Anything else the parser recognises is answered 501
/// (RFC 9110 §9.1: a method the origin server does not implement).
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable {
    case get = "GET"
    case head = "HEAD"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
    case options = "OPTIONS"
}
