import BloomCore
import CHTTPParser
import CLinux
import Glibc

/// One request to an upstream server on one connection: connect, send, parse the response,
/// stream its body to the caller. No keep-alive: model requests last seconds to minutes, so
/// a fresh connection costs nothing that matters and cannot inherit a half-read response.
///
/// Confined to its event loop; other threads reach it through `loop.execute`.
final class ClientConnection: EventLoop.Selectable, @unchecked Sendable {
    private enum State { case connecting, sending, receiving, closed }

    let fd: Int32
    let loop: EventLoop
    let address: String
    private let parser: UnsafeMutablePointer<http_parser>
    private var state = State.connecting
    private var output: [UInt8]
    private var sent = 0
    private var head = PartialRequest()
    private var headContinuation: CheckedContinuation<ClientResponse, any Error>?
    private var body: AsyncThrowingStream<[UInt8], any Error>.Continuation?
    private var refusal: HTTPClientError?
    private var complete = false

    /// Creates the socket and starts a non-blocking connect to `storage`.
    init(storage: sockaddr_storage, address: String, request: [UInt8], loop: EventLoop) throws(HTTPClientError) {
        var storage = storage
        let family = Int32(storage.ss_family)
        let fd = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .connectFailed(address: address, reason: String(cString: strerror(errno))) }
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        let length = family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(length)) }
        }
        if result != 0 && errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw .connectFailed(address: address, reason: reason)
        }
        self.fd = fd
        self.loop = loop
        self.address = address
        self.output = request
        self.parser = .allocate(capacity: 1)
        http_parser_init(self.parser, HTTP_RESPONSE)
        self.parser.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    /// Registers with the loop; `continuation` gets the response head or the failure.
    func start(_ continuation: CheckedContinuation<ClientResponse, any Error>) {
        guard self.state != .closed else {
            // Cancelled before it started.
            continuation.resume(throwing: HTTPClientError.timedOut("the upstream response (cancelled)"))
            return
        }
        self.headContinuation = continuation
        self.loop.register(self.fd, self, events: EPOLLOUT.rawValue | EPOLLRDHUP.rawValue)
    }

    func handleEvents(_ events: UInt32) {
        switch self.state {
        case .connecting:
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(self.fd, SOL_SOCKET, SO_ERROR, &code, &length)
            guard code == 0 else {
                self.fail(.connectFailed(address: self.address, reason: String(cString: strerror(code))))
                return
            }
            self.state = .sending
            self.send()
        case .sending:
            self.send()
        case .receiving:
            self.receive()
        case .closed:
            break
        }
    }

    private func send() {
        while self.sent < self.output.count {
            let count = self.output.withUnsafeBytes { bytes in
                Glibc.send(self.fd, bytes.baseAddress! + self.sent, bytes.count - self.sent, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                self.sent += count
            } else if count < 0 && (errno == EAGAIN || errno == EINTR) {
                return
            } else {
                self.fail(.closedEarly)
                return
            }
        }
        self.output = []
        self.state = .receiving
        self.loop.modify(self.fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
    }

    private func receive() {
        let buffer = self.loop.readBuffer
        let count = read(self.fd, buffer.baseAddress, buffer.count)
        if count < 0 {
            if errno != EAGAIN && errno != EINTR { self.fail(.closedEarly) }
            return
        }
        // A zero-length execute tells the parser the stream ended (close-delimited bodies).
        let start = buffer.baseAddress?.assumingMemoryBound(to: CChar.self)
        let parsed = http_parser_execute(self.parser, ClientParserSettings.shared, start, count)
        guard self.state != .closed else { return }
        if self.complete {
            self.close()
        } else if count == 0 {
            self.fail(.closedEarly)
        } else if self.parser.pointee.http_errno != HPE_OK.rawValue || parsed != count {
            let status = http_errno(self.parser.pointee.http_errno)
            self.fail(self.refusal ?? .malformedResponse(String(cString: http_errno_description(status))))
        }
    }

    // MARK: - Parser events

    func onHeaderField(_ at: UnsafePointer<CChar>?, _ length: Int) -> Int32 {
        self.head.appendName(at, length)
        return self.checkHeadSize()
    }

    func onHeaderValue(_ at: UnsafePointer<CChar>?, _ length: Int) -> Int32 {
        self.head.appendValue(at, length)
        return self.checkHeadSize()
    }

    private func checkHeadSize() -> Int32 {
        guard self.head.headBytes <= 64 * 1024 else {
            self.refusal = .malformedResponse("response head larger than 64 KiB")
            return -1
        }
        return 0
    }

    func onHeadersComplete() -> Int32 {
        self.head.finishHeaderField()
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        continuation.onTermination = { [loop = self.loop] _ in
            loop.execute { self.close() }
        }
        self.body = continuation
        let response = ClientResponse(
            status: Int(self.parser.pointee.status_code), headers: self.head.headers, body: stream)
        self.headContinuation?.resume(returning: response)
        self.headContinuation = nil
        return 0
    }

    func onBody(_ at: UnsafePointer<CChar>?, _ length: Int) -> Int32 {
        self.body?.yield(Array(UnsafeRawBufferPointer(start: at, count: length)))
        return 0
    }

    func onMessageComplete() -> Int32 {
        self.complete = true
        self.body?.finish()
        self.body = nil
        // Stop here: anything after the response on this connection is not ours to read.
        http_parser_pause(self.parser, 1)
        return 0
    }

    // MARK: - Ending

    /// Ends the exchange with `error`: the caller waiting for the head, or iterating the body, gets it.
    func fail(_ error: HTTPClientError) {
        guard self.state != .closed else { return }
        if let continuation = self.headContinuation {
            self.headContinuation = nil
            continuation.resume(throwing: error)
        }
        self.body?.finish(throwing: error)
        self.body = nil
        self.close()
    }

    /// Fails with a connect timeout if the connection is not up yet.
    func connectDeadlinePassed() {
        if self.state == .connecting { self.fail(.connectTimedOut(address: self.address)) }
    }

    func close() {
        guard self.state != .closed else { return }
        if self.headContinuation != nil || self.body != nil {
            self.fail(.timedOut("the upstream response (cancelled)"))
            return
        }
        self.state = .closed
        self.loop.deregister(self.fd)
        Glibc.close(self.fd)
        self.parser.deallocate()
    }
}

/// http-parser's callback table for responses.
enum ClientParserSettings {
    nonisolated(unsafe) static let shared: UnsafeMutablePointer<http_parser_settings> = {
        let settings = UnsafeMutablePointer<http_parser_settings>.allocate(capacity: 1)
        settings.initialize(to: http_parser_settings())
        settings.pointee.on_header_field = { parser, at, length in with(parser) { $0.onHeaderField(at, length) } }
        settings.pointee.on_header_value = { parser, at, length in with(parser) { $0.onHeaderValue(at, length) } }
        settings.pointee.on_headers_complete = { parser in with(parser) { $0.onHeadersComplete() } }
        settings.pointee.on_body = { parser, at, length in with(parser) { $0.onBody(at, length) } }
        settings.pointee.on_message_complete = { parser in with(parser) { $0.onMessageComplete() } }
        return settings
    }()

    private static func with(
        _ parser: UnsafeMutablePointer<http_parser>?,
        _ body: (ClientConnection) -> Int32
    ) -> Int32 {
        Unmanaged<ClientConnection>.fromOpaque(parser!.pointee.data)._withUnsafeGuaranteedRef(body)
    }
}
