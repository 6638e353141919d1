import BloomCore
import CLinux
import Dispatch
import Glibc

/// An HTTP/1.1 client for upstream servers (Ollama, OpenAI-compatible model servers), running
/// its connections on its own event loop thread.
///
/// Each request opens a connection, sends, and streams the response body to the caller as it
/// arrives. The connect timeout is the client's; time to first byte, stalls between pieces and
/// overall deadlines are the caller's, who cancels the task or stops iterating, which closes
/// the connection at once.
///
/// - Note: `http://` only. Model servers are reached on a local network; TLS to them is not
///   supported.
public final class HTTPClient: Sendable {
    private let loop: EventLoop

    public init() throws {
        self.loop = try EventLoop(index: 0)
        self.loop.start(name: "bloom-http-client")
    }

    deinit { self.loop.stop() }

    /// Sends `request` and returns once the response head has arrived.
    public func execute(_ request: ClientRequest, connectTimeout: Duration = .seconds(5)) async throws -> ClientResponse
    {
        let url = try ClientURL(request.url)
        let storage = try await Self.resolve(url.host, port: url.port)
        let connection = try ClientConnection(
            storage: storage,
            address: "\(url.host):\(url.port)",
            request: Self.serialise(request, url: url),
            loop: self.loop
        )
        let loop = self.loop
        let deadline = Task {
            try await Task.sleep(for: connectTimeout)
            loop.execute { connection.connectDeadlinePassed() }
        }
        defer { deadline.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                loop.execute { connection.start(continuation) }
            }
        } onCancel: {
            loop.execute { connection.fail(.timedOut("the upstream response (cancelled)")) }
        }
    }

    /// The request line, fields and body (RFC 9112 §3, §6). `Content-Length` and `Host` are set
    /// here; `Connection: close` because each request has its own connection.
    static func serialise(_ request: ClientRequest, url: ClientURL) -> [UInt8] {
        var text = "\(request.method.rawValue) \(url.target) HTTP/1.1\r\nHost: \(url.hostHeader)\r\n"
        for field in request.headers
        where !HTTPHeaders.namesMatch(field.name, "Host") && !HTTPHeaders.namesMatch(field.name, "Content-Length")
            && !HTTPHeaders.namesMatch(field.name, "Connection")
        {
            let value = field.value.filter { $0 != "\r" && $0 != "\n" }
            text += "\(field.name): \(value)\r\n"
        }
        if !request.body.isEmpty || [.post, .put, .patch].contains(request.method) {
            text += "Content-Length: \(request.body.count)\r\n"
        }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8) + request.body
    }

    /// The address of `host`: IP literals and `localhost` directly, other names through
    /// `getaddrinfo` on a background thread, since it blocks.
    static func resolve(_ host: String, port: Int) async throws -> sockaddr_storage {
        if let literal = try? Socket.resolve(host: host, port: port) { return literal }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
                    continuation.resume(throwing: HTTPClientError.unresolvedHost(host))
                    return
                }
                defer { freeaddrinfo(list) }
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { target in
                    let length = min(Int(first.pointee.ai_addrlen), target.count)
                    target.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: length))
                }
                continuation.resume(returning: storage)
            }
        }
    }
}
