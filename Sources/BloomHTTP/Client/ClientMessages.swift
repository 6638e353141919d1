/// A request to an upstream server.
public struct ClientRequest: Sendable {
    public var method: HTTPMethod
    /// An absolute `http://` URL.
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: HTTPMethod = .get, url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A response head, with the body still arriving.
public struct ClientResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    /// Body bytes in the pieces they arrived in. Cancelling the task that iterates, or dropping
    /// the response before the body ends, closes the connection.
    public let body: AsyncThrowingStream<[UInt8], any Error>

    /// Reads the whole body, refusing more than `limit` bytes.
    public func collect(limit: Int = 16 * 1024 * 1024) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await piece in self.body {
            bytes += piece
            if bytes.count > limit { throw HTTPClientError.malformedResponse("body larger than \(limit) bytes") }
        }
        return bytes
    }
}

/// The parts of an `http://host:port/path` URL the client needs.
struct ClientURL: Equatable {
    let host: String
    let port: Int
    /// Path and query, at least `/`.
    let target: String

    init(_ text: String) throws(HTTPClientError) {
        guard text.hasPrefix("http://") else { throw .invalidURL(text) }
        let rest = text.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        self.target = slash == rest.endIndex ? "/" : String(rest[slash...])
        guard !authority.isEmpty, !authority.contains("@") else { throw .invalidURL(text) }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            self.host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            self.port = after.isEmpty ? 80 : Int(after.dropFirst()) ?? -1
        } else if let colon = authority.lastIndex(of: ":") {
            self.host = String(authority[..<colon])
            self.port = Int(authority[authority.index(after: colon)...]) ?? -1
        } else {
            self.host = String(authority)
            self.port = 80
        }
        guard !self.host.isEmpty, (1...65_535).contains(self.port) else { throw .invalidURL(text) }
    }

    /// `Host` header value.
    var hostHeader: String {
        let name = self.host.contains(":") ? "[\(self.host)]" : self.host
        return self.port == 80 ? name : "\(name):\(self.port)"
    }
}
