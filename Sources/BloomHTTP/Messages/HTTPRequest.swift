/// A parsed request, head and complete body.
///
/// Bodies are read fully before a handler runs, bounded by the server's body limit; Bloom's
/// requests are small JSON documents, so streaming request bodies would add complexity for
/// nothing.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request target as sent, path and query (`/api/models?x=1`).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
        method: HTTPMethod,
        target: String,
        version: HTTPVersion = .http11,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The path part of the target, percent-encoding left as sent.
    public var path: Substring {
        guard let mark = self.queryMark else { return self.target[...] }
        return self.target[..<mark]
    }

    /// The query string after `?`, without it, or nil.
    public var queryString: Substring? {
        guard let mark = self.queryMark else { return nil }
        return self.target[self.target.utf8.index(after: mark)...]
    }

    /// Where `?` is; searched as bytes, because a Character search walks grapheme clusters.
    private var queryMark: String.Index? {
        self.target.utf8.firstIndex(of: UInt8(ascii: "?"))
    }

    /// Decoded query parameters; the first of a repeated name wins.
    public var query: [String: String] {
        guard let queryString else { return [:] }
        var result: [String: String] = [:]
        for pair in queryString.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(parts[0], plusAsSpace: true) ?? String(parts[0])
            let value = parts.count > 1 ? PercentDecoding.decode(parts[1], plusAsSpace: true) ?? String(parts[1]) : ""
            if result[name] == nil { result[name] = value }
        }
        return result
    }

    /// The body as UTF-8 text, or nil when it is not valid UTF-8.
    public var bodyText: String? {
        String(validating: self.body, as: UTF8.self)
    }
}

/// An HTTP protocol version as found on the request line.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http10 = HTTPVersion(major: 1, minor: 0)
    public static let http11 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(self.major).\(self.minor)" }
}

/// Percent-decoding of URL components (RFC 3986 §2.1).
public enum PercentDecoding {
    /// Returns nil for a malformed escape or bytes that are not UTF-8.
    public static func decode<S: StringProtocol>(_ text: S, plusAsSpace: Bool = false) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Self.hexValue),
                    let low = iterator.next().flatMap(Self.hexValue)
                else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusAsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}
