import BloomCore
import CHTTPParser
import Glibc

extension HTTPConnection {
    // MARK: - Dispatch

    /// Hands the request just parsed to the responder.
    func dispatchRequest() {
        guard let method = self.request.method else { preconditionFailure("a complete request has a method") }
        let keepAlive = http_should_keep_alive(self.parser) != 0 && !self.draining && !self.server.isDraining
        let request = HTTPRequest(
            method: method,
            target: String(decoding: self.request.target, as: UTF8.self),
            version: self.request.version,
            headers: self.request.headers,
            body: self.request.body
        )
        self.request = PartialRequest()
        self.exchangeCounter &+= 1
        self.exchange = Exchange(
            id: self.exchangeCounter,
            method: method,
            target: request.target,
            version: request.version,
            startedAt: self.headCompletedAt,
            keepAlive: keepAlive
        )
        self.phase = .responding
        self.deadline = 0

        switch self.server.responder.respond(to: request, context: self.makeContext()) {
        case .now(let response):
            self.send(response)
        case .later(let work):
            self.inputPaused = true
            let exchangeID = self.exchangeCounter
            self.task = Task {
                let response = await work()
                self.loop.execute { self.sendIfCurrent(response, exchangeID: exchangeID) }
            }
        }
    }

    private func sendIfCurrent(_ response: HTTPResponse, exchangeID: UInt64) {
        guard !self.closed, self.exchange?.id == exchangeID else { return }
        self.send(response)
        self.flush()
    }

    /// Writes a response for the current exchange, starting its stream when it has one.
    func send(_ response: HTTPResponse) {
        switch response.body {
        case .bytes:
            self.writeComplete(response, methodKnown: true)
        case .stream(let produce):
            self.startStream(response, produce: produce)
        }
    }

    /// Queues a response whose body is known and finishes the exchange.
    func writeComplete(_ response: HTTPResponse, methodKnown: Bool) {
        guard var exchange = self.exchange else { return }
        let body = response.bodyBytes ?? []
        let sendsBody = response.status.allowsBody && exchange.method != .head
        exchange.keepAlive = exchange.keepAlive && !self.draining && !self.server.isDraining
        exchange.status = response.status.code
        exchange.requestID = response.headers["X-Request-ID"] ?? ""
        exchange.route = response.route
        exchange.bodyBytes = sendsBody ? body.count : 0
        self.writeHead(response, exchange: exchange, contentLength: response.status.allowsBody ? body.count : nil)
        if sendsBody { self.output.append(contentsOf: body) }
        self.exchange = exchange
        self.finishExchange(completed: true)
    }

    // MARK: - Streaming

    private func startStream(
        _ response: HTTPResponse, produce: @escaping @Sendable (ResponseBodyWriter) async throws -> Void
    ) {
        guard var exchange = self.exchange else { return }
        exchange.keepAlive = exchange.keepAlive && !self.draining && !self.server.isDraining
        exchange.status = response.status.code
        exchange.requestID = response.headers["X-Request-ID"] ?? ""
        exchange.route = response.route
        // HTTP/1.0 has no chunked coding: the body ends when the connection closes.
        exchange.chunked = exchange.version == .http11
        if !exchange.chunked { exchange.keepAlive = false }
        self.writeHead(response, exchange: exchange, contentLength: nil)
        self.exchange = exchange
        self.inputPaused = true
        self.flush()
        if exchange.method == .head {
            self.finishStream(exchangeID: exchange.id, failure: nil)
            return
        }
        let writer = ResponseBodyWriter(connection: self, exchangeID: exchange.id)
        let exchangeID = exchange.id
        self.task = Task {
            var failure: (any Error)?
            do {
                try await produce(writer)
            } catch {
                failure = error
            }
            self.loop.execute { [failure] in self.finishStream(exchangeID: exchangeID, failure: failure) }
        }
    }

    /// Queues one piece of a streamed body; resumes `continuation` now or once the client has
    /// read enough (backpressure), or throws when the connection is gone.
    func writeStreamChunk(_ bytes: [UInt8], exchangeID: UInt64, continuation: CheckedContinuation<Void, any Error>) {
        guard !self.closed, var exchange = self.exchange, exchange.id == exchangeID else {
            continuation.resume(throwing: ConnectionClosedError())
            return
        }
        guard !bytes.isEmpty else {
            continuation.resume()
            return
        }
        if exchange.chunked {
            self.output.append(contentsOf: Array(String(bytes.count, radix: 16).utf8))
            self.output.append(contentsOf: Self.crlf)
            self.output.append(contentsOf: bytes)
            self.output.append(contentsOf: Self.crlf)
        } else {
            self.output.append(contentsOf: bytes)
        }
        exchange.bodyBytes += bytes.count
        self.exchange = exchange
        self.flush()
        if self.closed {
            continuation.resume(throwing: ConnectionClosedError())
        } else if self.output.count - self.outputSent < self.server.configuration.writeHighWaterMark {
            continuation.resume()
        } else {
            self.writeWaiters.append(continuation)
        }
    }

    private func finishStream(exchangeID: UInt64, failure: (any Error)?) {
        guard !self.closed, let exchange = self.exchange, exchange.id == exchangeID else { return }
        self.task = nil
        if let failure, !(failure is ConnectionClosedError), !(failure is CancellationError) {
            self.server.logger.error(
                "response stream failed; closing the connection",
                metadata: ["request.id": .string(exchange.requestID), "error": .string("\(failure)")]
            )
            // Without the last chunk the client can tell the body is incomplete (RFC 9112 §7.1).
            self.closeAfterFlush = true
            self.finishExchange(completed: false)
            self.flush()
            return
        }
        if exchange.chunked { self.output.append(contentsOf: Self.lastChunk) }
        self.finishExchange(completed: failure == nil)
        self.flush()
    }

    // MARK: - Finishing an exchange

    /// Reports the exchange and readies the connection for the next request (or closes it).
    private func finishExchange(completed: Bool) {
        guard var exchange = self.exchange else { return }
        self.exchange = nil
        self.task = nil
        exchange.keepAlive = exchange.keepAlive && completed && !self.draining
        self.report(exchange, completed: completed)
        if !exchange.keepAlive {
            self.closeAfterFlush = true
            return
        }
        self.phase = .idle
        self.deadline = self.loop.now &+ MonotonicClock.nanoseconds(self.server.configuration.idleTimeout)
        // A client that pipelines faster than it reads waits until its responses drain.
        self.inputPaused = self.output.count - self.outputSent >= self.server.configuration.writeHighWaterMark
        if !self.parsing { self.resumeInput() }
    }

    func report(_ exchange: Exchange, completed: Bool) {
        self.server.responder.exchangeFinished(
            ExchangeRecord(
                method: exchange.method,
                target: exchange.target,
                route: exchange.route,
                status: exchange.status,
                bytesSent: exchange.bodyBytes,
                durationNanoseconds: MonotonicClock.now() &- exchange.startedAt,
                requestID: exchange.requestID,
                remoteAddress: self.remoteAddress,
                completed: completed
            )
        )
    }

    // MARK: - Writing

    /// Sends what is queued; arms `EPOLLOUT` when the socket is full.
    func flush() {
        guard !self.closed else { return }
        while self.outputSent < self.output.count {
            let sent = self.output.withUnsafeBytes { buffer in
                Glibc.send(
                    self.fd, buffer.baseAddress! + self.outputSent, buffer.count - self.outputSent, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                self.outputSent += sent
            } else if sent < 0 && errno == EINTR {
                continue
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                break
            } else {
                self.close()
                return
            }
        }
        let pending = self.output.count - self.outputSent
        if pending == 0 {
            self.outputSent = 0
            if self.output.capacity > 64 * 1024 {
                self.output = []
            } else {
                self.output.removeAll(keepingCapacity: true)
            }
        } else if self.outputSent > 256 * 1024 {
            self.output.removeFirst(self.outputSent)
            self.outputSent = 0
        }
        if pending < self.server.configuration.writeHighWaterMark / 2 {
            self.outputDrained()
        }
        if pending == 0 && self.closeAfterFlush {
            self.close()
            return
        }
        self.updateInterest()
    }

    private func outputDrained() {
        if !self.writeWaiters.isEmpty {
            let waiters = self.writeWaiters
            self.writeWaiters = []
            for waiter in waiters { waiter.resume() }
        }
        if self.inputPaused && self.exchange == nil && self.phase == .idle {
            self.inputPaused = false
            if !self.parsing { self.resumeInput() }
        }
        if self.draining && self.exchange == nil && self.phase == .idle && self.heldInput.isEmpty {
            self.closeAfterFlush = true
        }
    }

    /// Serialises the status line and header fields (RFC 9112 §4, §6).
    ///
    /// Framing fields (`Content-Length`, `Transfer-Encoding`, `Connection`, `Date`) are the
    /// server's to set; handler values for them are ignored.
    private func writeHead(_ response: HTTPResponse, exchange: Exchange, contentLength: Int?) {
        self.output.append(contentsOf: Self.statusLine(response.status))
        for field in response.headers where !Self.isFramingField(field.name) {
            Self.appendField(field.name, field.value, to: &self.output)
        }
        self.output.append(contentsOf: Self.dateName)
        self.output.append(contentsOf: self.loop.dateCache.current())
        self.output.append(contentsOf: Self.crlf)
        if let contentLength {
            self.output.append(contentsOf: Self.contentLengthName)
            self.output.append(contentsOf: Array(String(contentLength).utf8))
            self.output.append(contentsOf: Self.crlf)
        } else if exchange.chunked {
            self.output.append(contentsOf: Self.chunkedField)
        }
        if !exchange.keepAlive {
            self.output.append(contentsOf: Self.closeField)
        } else if exchange.version == .http10 {
            self.output.append(contentsOf: Self.keepAliveField)
        }
        self.output.append(contentsOf: Self.crlf)
    }

    /// Appends `name: value`, replacing CR, LF and NUL so a handler can never split a response.
    private static func appendField(_ name: String, _ value: String, to output: inout [UInt8]) {
        for byte in name.utf8 { output.append(Self.isUnsafeHeaderByte(byte) ? 0x20 : byte) }
        output.append(contentsOf: Self.colonSpace)
        for byte in value.utf8 { output.append(Self.isUnsafeHeaderByte(byte) ? 0x20 : byte) }
        output.append(contentsOf: Self.crlf)
    }

    private static func isUnsafeHeaderByte(_ byte: UInt8) -> Bool { byte == 13 || byte == 10 || byte == 0 }

    private static func isFramingField(_ name: String) -> Bool {
        HTTPHeaders.namesMatch(name, "Content-Length") || HTTPHeaders.namesMatch(name, "Transfer-Encoding")
            || HTTPHeaders.namesMatch(name, "Connection") || HTTPHeaders.namesMatch(name, "Date")
    }

    private static func statusLine(_ status: HTTPStatus) -> [UInt8] {
        if status.code == 200 { return Self.okLine }
        return Array("HTTP/1.1 \(status.code) \(status.reason)\r\n".utf8)
    }

    static let crlf: [UInt8] = [13, 10]
    private static let okLine = Array("HTTP/1.1 200 OK\r\n".utf8)
    private static let colonSpace = Array(": ".utf8)
    private static let dateName = Array("Date: ".utf8)
    private static let contentLengthName = Array("Content-Length: ".utf8)
    private static let chunkedField = Array("Transfer-Encoding: chunked\r\n".utf8)
    private static let closeField = Array("Connection: close\r\n".utf8)
    private static let keepAliveField = Array("Connection: keep-alive\r\n".utf8)
    private static let lastChunk = Array("0\r\n\r\n".utf8)
}
