import BloomCore
import CHTTPParser
import CLinux
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
        self.request.headers = HTTPHeaders()
        self.request.body = []
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

        let outcome = self.server.responder.respond(to: request, context: self.makeContext())
        switch consume outcome {
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
        guard case .bytes(let body) = response.body else { preconditionFailure("writeComplete needs a complete body") }
        let sendsBody = response.status.allowsBody && exchange.method != .head
        exchange.keepAlive = exchange.keepAlive && !self.draining && !self.server.isDraining
        exchange.status = response.status.code
        exchange.requestID = response.requestID
        exchange.route = response.route
        exchange.bodyBytes = sendsBody ? body.count : 0
        self.writeHead(response, exchange: exchange, contentLength: response.status.allowsBody ? body.count : nil)
        if sendsBody { self.output.append(contentsOf: body) }
        self.finishExchange(exchange, completed: true)
    }

    // MARK: - Streaming

    private func startStream(
        _ response: HTTPResponse, produce: @escaping @Sendable (ResponseBodyWriter) async throws -> Void
    ) {
        guard var exchange = self.exchange else { return }
        exchange.keepAlive = exchange.keepAlive && !self.draining && !self.server.isDraining
        exchange.status = response.status.code
        exchange.requestID = response.requestID
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
            self.output.appendStatic("\r\n")
            self.output.append(contentsOf: bytes)
            self.output.appendStatic("\r\n")
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
            self.finishExchange(exchange, completed: false)
            self.flush()
            return
        }
        if exchange.chunked { self.output.appendStatic("0\r\n\r\n") }
        self.finishExchange(exchange, completed: failure == nil)
        self.flush()
    }

    // MARK: - Finishing an exchange

    /// Reports the exchange and readies the connection for the next request (or closes it).
    private func finishExchange(_ exchange: Exchange, completed: Bool) {
        var exchange = exchange
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
        guard self.server.recordsExchanges else { return }
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
        self.output.reserveCapacity(self.output.count + 512)
        Self.appendStatusLine(response.status, to: &self.output)
        let standard = self.server.configuration.standardHeaders
        var overridden: UInt64 = 0
        response.headers.fields.withUnsafeBufferPointer { fields in
            for index in fields.indices where !Self.isFramingField(fields[index].name) {
                Self.appendField(fields[index].name, fields[index].value, to: &self.output)
                if !standard.isEmpty { overridden |= standard.overriddenBits(by: fields[index].name) }
            }
        }
        standard.append(to: &self.output, except: overridden)
        self.output.appendStatic("Date: ")
        self.loop.dateCache.append(to: &self.output)
        self.output.appendStatic("\r\n")
        if let contentLength {
            self.output.appendStatic("Content-Length: ")
            Self.appendDecimal(contentLength, to: &self.output)
            self.output.appendStatic("\r\n")
        } else if exchange.chunked {
            self.output.appendStatic("Transfer-Encoding: chunked\r\n")
        }
        if !exchange.keepAlive {
            self.output.appendStatic("Connection: close\r\n")
        } else if exchange.version == .http10 {
            self.output.appendStatic("Connection: keep-alive\r\n")
        }
        self.output.appendStatic("\r\n")
    }

    /// Appends `name: value`, replacing CR, LF and NUL so a handler can never split a response.
    private static func appendField(_ name: String, _ value: String, to output: inout [UInt8]) {
        Self.appendHeaderText(name, to: &output)
        output.appendStatic(": ")
        Self.appendHeaderText(value, to: &output)
        output.appendStatic("\r\n")
    }

    private static func appendHeaderText(_ text: String, to output: inout [UInt8]) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            Self.appendHeaderBytes(bytes, to: &output)
        }
        if copied == nil { Array(text.utf8).withUnsafeBufferPointer { Self.appendHeaderBytes($0, to: &output) } }
    }

    private static func appendHeaderBytes(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var clean = true
        for byte in bytes where byte < 32 && (byte == 13 || byte == 10 || byte == 0) {
            clean = false
            break
        }
        if clean {
            output.append(contentsOf: bytes)
        } else {
            // Rare: only a buggy handler puts control characters in a header.
            for byte in bytes { output.append(byte == 13 || byte == 10 || byte == 0 ? 0x20 : byte) }
        }
    }

    /// The fields the server writes itself; compared by length first, since this runs for every
    /// field of every response.
    private static func isFramingField(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: HTTPHeaders.namesMatch(name, "Date")
        case 10: HTTPHeaders.namesMatch(name, "Connection")
        case 14: HTTPHeaders.namesMatch(name, "Content-Length")
        case 17: HTTPHeaders.namesMatch(name, "Transfer-Encoding")
        default: false
        }
    }

    /// Appends `value` in decimal without creating a String.
    private static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        guard value >= 10 else {
            output.append(48 + UInt8(value))
            return
        }
        Self.appendDecimal(value / 10, to: &output)
        output.append(48 + UInt8(value % 10))
    }

    private static func appendStatusLine(_ status: HTTPStatus, to output: inout [UInt8]) {
        if status.code == 200 {
            output.appendStatic("HTTP/1.1 200 OK\r\n")
            return
        }
        output.appendStatic("HTTP/1.1 ")
        Self.appendDecimal(status.code, to: &output)
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: status.reason.utf8)
        output.appendStatic("\r\n")
    }

}

extension [UInt8] {
    /// Appends a literal's bytes; unlike a stored `[UInt8]` constant, no reference count moves.
    mutating func appendStatic(_ text: StaticString) {
        text.withUTF8Buffer { self.append(contentsOf: $0) }
    }
}
