import BloomCore
import CHTTPParser
import CLinux
import Glibc

/// One client connection: reads and parses requests, hands them to the responder in order,
/// and writes responses, with keep-alive, pipelining, streaming and timeouts.
///
/// Confined to its event loop: every method runs on `loop`'s thread. Tasks that stream a body
/// reach it only through `loop.execute`, which is why it is `@unchecked Sendable`.
final class HTTPConnection: EventLoop.Selectable, @unchecked Sendable {
    /// Where the connection is in the request/response cycle; decides which deadline applies.
    enum Phase {
        /// Waiting for the first byte of a request (idle keep-alive, or a fresh connection).
        case idle
        case readingHead
        case readingBody
        /// A request was dispatched; input stays parked until its response is complete.
        case responding
    }

    let fd: Int32
    let remoteAddress: String
    let loop: EventLoop
    let server: HTTPServer
    let parser: UnsafeMutablePointer<http_parser>
    let environment: ConnectionEnvironment

    var phase = Phase.idle
    var request = PartialRequest()
    /// A refusal found by a parser callback (413, 414, 431, 501, 505), answered after parsing stops.
    var parseRefusal: HTTPError?
    var headCompletedAt: UInt64 = 0

    /// Received bytes not parsed yet: pipelined requests behind one still being answered.
    var heldInput: [UInt8] = []
    var inputPaused = false
    /// True while `parse` runs: closing then would free the parser under its own feet.
    var parsing = false
    var closeRequested = false

    var output: [UInt8] = []
    var outputSent = 0
    var closeAfterFlush = false
    var writeWaiters: [CheckedContinuation<Void, any Error>] = []
    var interest: UInt32 = 0

    var exchange: Exchange?
    var exchangeCounter: UInt64 = 0
    var task: Task<Void, Never>?
    var draining = false
    var deadline: UInt64 = 0
    private(set) var closed = false

    /// What the connection remembers about the response in progress.
    struct Exchange {
        let id: UInt64
        let method: HTTPMethod
        let target: String
        let version: HTTPVersion
        let startedAt: UInt64
        var keepAlive: Bool
        var status = 0
        var route: String?
        var requestID = ""
        var bodyBytes = 0
        var chunked = false
    }

    private init(fd: Int32, remoteAddress: String, loop: EventLoop, server: HTTPServer) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.server = server
        self.environment = ConnectionEnvironment(
            remoteAddress: remoteAddress,
            shutdown: server.shutdownSignal,
            logger: server.logger
        )
        self.parser = .allocate(capacity: 1)
        http_parser_init(self.parser, HTTP_REQUEST)
        self.parser.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    /// Creates a connection for an accepted socket and starts reading it.
    static func open(fd: Int32, remoteAddress: String, loop: EventLoop, server: HTTPServer) {
        let connection = HTTPConnection(fd: fd, remoteAddress: remoteAddress, loop: loop, server: server)
        connection.interest = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        connection.deadline = loop.now &+ MonotonicClock.nanoseconds(server.configuration.headerTimeout)
        loop.register(fd, connection, events: connection.interest)
    }

    // MARK: - Events

    func handleEvents(_ events: UInt32) {
        if events & EPOLLOUT.rawValue != 0 {
            self.flush()
        }
        if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            self.readAvailable(events)
        }
    }

    private func readAvailable(_ events: UInt32) {
        guard !self.closed else { return }
        if self.interest & EPOLLIN.rawValue == 0 {
            // Not reading (parked input is full): a hang-up can only mean the client left.
            if events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { self.peerClosed() }
            return
        }
        let buffer = self.loop.readBuffer
        let count = read(self.fd, buffer.baseAddress, buffer.count)
        if count > 0 {
            self.received(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        } else if count == 0 {
            self.peerClosed()
        } else if errno != EAGAIN && errno != EINTR {
            self.close()
        }
    }

    /// The client closed its side or reset: whatever is in progress is abandoned.
    private func peerClosed() {
        self.close()
    }

    // MARK: - Input

    private func received(_ bytes: UnsafeRawBufferPointer) {
        if self.inputPaused || !self.heldInput.isEmpty {
            self.heldInput.append(contentsOf: bytes)
            self.resumeInput()
        } else {
            let consumed = self.parse(bytes)
            if consumed < bytes.count && !self.closed {
                self.heldInput.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
            }
        }
        self.updateInterest()
    }

    /// Parses held input until it runs out or a request has to wait for its response.
    func resumeInput() {
        guard !self.parsing else { return }
        while !self.inputPaused && !self.heldInput.isEmpty && !self.closed && !self.closeAfterFlush {
            let input = self.heldInput
            self.heldInput = []
            let consumed = input.withUnsafeBytes { self.parse($0) }
            if consumed < input.count && !self.closed {
                self.heldInput = Array(input[consumed...])
            }
        }
        self.updateInterest()
    }

    /// Feeds bytes to http-parser; returns how many it consumed before stopping.
    ///
    /// The parser pauses itself at the end of every request (see `onMessageComplete`), so each
    /// request is dispatched before the next is parsed: responses leave in request order.
    private func parse(_ bytes: UnsafeRawBufferPointer) -> Int {
        self.parsing = true
        var offset = 0
        while offset < bytes.count && !self.inputPaused && !self.closeAfterFlush && !self.closeRequested {
            let start = bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
            offset += http_parser_execute(self.parser, ParserSettings.shared, start, bytes.count - offset)
            let status = self.parser.pointee.http_errno
            if status == HPE_PAUSED.rawValue {
                http_parser_pause(self.parser, 0)
                self.dispatchRequest()
            } else if status != HPE_OK.rawValue {
                self.refuseMalformed(status)
                offset = bytes.count
            }
        }
        self.parsing = false
        self.flush()
        if self.closeRequested { self.close() }
        return offset
    }

    /// Answers a request the parser rejected, then closes: after a framing error nothing
    /// later on the connection can be trusted (RFC 9112 §11.2).
    private func refuseMalformed(_ status: UInt32) {
        let error = self.parseRefusal ?? Self.error(forParserStatus: status, parser: self.parser)
        self.parseRefusal = nil
        self.sendRefusal(error)
    }

    /// Sends an error response for the request being read and closes after it.
    func sendRefusal(_ error: HTTPError) {
        self.exchangeCounter &+= 1
        self.exchange = Exchange(
            id: self.exchangeCounter,
            method: self.request.method ?? .get,
            target: String(decoding: self.request.target, as: UTF8.self),
            version: .http11,
            startedAt: self.loop.now,
            keepAlive: false
        )
        let context = self.makeContext()
        var response = self.server.responder.response(for: error, context: context)
        response.headers.set("Connection", "close")
        self.phase = .responding
        self.inputPaused = true
        self.heldInput = []
        self.writeComplete(response, methodKnown: self.request.method != nil)
    }

    func makeContext() -> RequestContext {
        RequestContext(
            requestID: "",
            receivedAt: self.headCompletedAt == 0 ? self.loop.now : self.headCompletedAt,
            connection: self.environment
        )
    }

    // MARK: - Interest and deadlines

    func updateInterest() {
        guard !self.closed else { return }
        let heldFull = self.heldInput.count >= 64 * 1024
        let wantsRead = !self.closeAfterFlush && !(self.inputPaused && heldFull)
        let wantsWrite = self.outputSent < self.output.count
        var events = EPOLLRDHUP.rawValue
        if wantsRead { events |= EPOLLIN.rawValue }
        if wantsWrite { events |= EPOLLOUT.rawValue }
        if events != self.interest {
            self.interest = events
            self.loop.modify(self.fd, events: events)
        }
    }

    /// Called on every loop tick: enforces the header, body and idle timeouts.
    func checkDeadline(now: UInt64) {
        guard self.deadline != 0, now >= self.deadline, !self.closed else { return }
        self.deadline = 0
        switch self.phase {
        case .idle:
            self.close()
        case .readingHead:
            self.sendRefusal(
                HTTPError(.requestTimeout, code: "header_timeout", message: "The request head did not arrive in time."))
            self.flush()
        case .readingBody:
            self.sendRefusal(
                HTTPError(.requestTimeout, code: "body_timeout", message: "The request body did not arrive in time."))
            self.flush()
        case .responding:
            break
        }
    }

    /// Begins a graceful shutdown of this connection: idle ones close now, busy ones after
    /// their current response.
    func drain() {
        self.draining = true
        if self.phase == .idle && self.heldInput.isEmpty && self.outputSent >= self.output.count {
            self.close()
        }
    }

    // MARK: - Closing

    /// Closes the socket now, cancelling the handler task and failing waiting writers.
    func close() {
        guard !self.closed else { return }
        if self.parsing {
            self.closeRequested = true
            return
        }
        self.closed = true
        if var exchange = self.exchange {
            exchange.keepAlive = false
            self.exchange = nil
            self.report(exchange, completed: false)
        }
        self.task?.cancel()
        self.task = nil
        let waiters = self.writeWaiters
        self.writeWaiters = []
        for waiter in waiters { waiter.resume(throwing: ConnectionClosedError()) }
        self.loop.deregister(self.fd)
        Glibc.close(self.fd)
        self.parser.deallocate()
        self.output = []
        self.heldInput = []
        self.server.connectionClosed()
    }

    static func drainAll(on loop: EventLoop) {
        for case let connection as HTTPConnection in loop.allSelectables() { connection.drain() }
    }

    static func closeAll(on loop: EventLoop) {
        for case let connection as HTTPConnection in loop.allSelectables() { connection.close() }
    }

    static func checkDeadlines(on loop: EventLoop, now: UInt64) {
        for case let connection as HTTPConnection in loop.allSelectables() { connection.checkDeadline(now: now) }
    }
}
