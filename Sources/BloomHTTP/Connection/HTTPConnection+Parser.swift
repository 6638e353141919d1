import BloomCore
import CHTTPParser

/// The request being assembled by the parser callbacks.
struct PartialRequest {
    var method: HTTPMethod?
    var target: [UInt8] = []
    var version = HTTPVersion.http11
    var headers = HTTPHeaders()
    var field: [UInt8] = []
    var value: [UInt8] = []
    var readingValue = false
    var headBytes = 0
    var body: [UInt8] = []

    /// Readies the struct for the next request, keeping the scratch buffers' capacity so a
    /// keep-alive connection does not reallocate them per request.
    mutating func reset() {
        self.method = nil
        self.target.removeAll(keepingCapacity: true)
        self.version = .http11
        self.headers = HTTPHeaders()
        self.headers.reserveTypicalCapacity()
        self.field.removeAll(keepingCapacity: true)
        self.value.removeAll(keepingCapacity: true)
        self.readingValue = false
        self.headBytes = 0
        self.body = []
    }

    /// Adds bytes of a field name, which http-parser may deliver in several calls.
    mutating func appendName(_ at: UnsafePointer<CChar>?, _ length: Int) {
        if self.readingValue { self.finishHeaderField() }
        self.field.append(contentsOf: UnsafeRawBufferPointer(start: at, count: length))
        self.headBytes += length
    }

    /// Adds bytes of a field value.
    mutating func appendValue(_ at: UnsafePointer<CChar>?, _ length: Int) {
        self.readingValue = true
        self.value.append(contentsOf: UnsafeRawBufferPointer(start: at, count: length))
        self.headBytes += length
    }

    mutating func finishHeaderField() {
        guard self.readingValue || !self.field.isEmpty else { return }
        self.headers.add(String(decoding: self.field, as: UTF8.self), String(decoding: self.value, as: UTF8.self))
        self.field.removeAll(keepingCapacity: true)
        self.value.removeAll(keepingCapacity: true)
        self.readingValue = false
    }
}

/// http-parser's callback table, shared by every connection; each callback finds its
/// connection through the parser's `data` pointer.
enum ParserSettings {
    nonisolated(unsafe) static let shared: UnsafeMutablePointer<http_parser_settings> = {
        let settings = UnsafeMutablePointer<http_parser_settings>.allocate(capacity: 1)
        settings.initialize(to: http_parser_settings())
        settings.pointee.on_message_begin = { parser in with(parser) { $0.onMessageBegin() } }
        settings.pointee.on_url = { parser, at, length in with(parser) { $0.onTarget(at, length) } }
        settings.pointee.on_header_field = { parser, at, length in with(parser) { $0.onHeaderField(at, length) } }
        settings.pointee.on_header_value = { parser, at, length in with(parser) { $0.onHeaderValue(at, length) } }
        settings.pointee.on_headers_complete = { parser in with(parser) { $0.onHeadersComplete() } }
        settings.pointee.on_body = { parser, at, length in with(parser) { $0.onBody(at, length) } }
        settings.pointee.on_message_complete = { parser in with(parser) { $0.onMessageComplete() } }
        return settings
    }()

    /// Calls `body` with the parser's connection without retaining it: the connection is alive
    /// for the whole `http_parser_execute` call that invokes the callbacks.
    private static func with(
        _ parser: UnsafeMutablePointer<http_parser>?,
        _ body: (HTTPConnection) -> Int32
    ) -> Int32 {
        Unmanaged<HTTPConnection>.fromOpaque(parser!.pointee.data)._withUnsafeGuaranteedRef(body)
    }
}

extension HTTPConnection {
    /// Callbacks return 0 to go on and -1 to stop the parser with a refusal recorded. (For
    /// `on_headers_complete`, 1 and 2 mean "skip the body" and "upgrade", so -1 is the only
    /// value that stops every callback.)
    private static let proceed: Int32 = 0
    private static let stop: Int32 = -1

    func onMessageBegin() -> Int32 {
        self.request.reset()
        self.phase = .readingHead
        self.headCompletedAt = 0
        self.deadline = self.loop.now &+ MonotonicClock.nanoseconds(self.server.configuration.headerTimeout)
        return Self.proceed
    }

    func onTarget(_ at: UnsafePointer<CChar>?, _ length: Int) -> Int32 {
        self.request.target.append(contentsOf: UnsafeRawBufferPointer(start: at, count: length))
        self.request.headBytes += length
        if self.request.target.count > self.server.configuration.maxTargetBytes {
            let limit = self.server.configuration.maxTargetBytes
            return self.refuse(.uriTooLong, "target_too_long", "The request target is longer than \(limit) bytes.")
        }
        return Self.proceed
    }

    func onHeaderField(_ at: UnsafePointer<CChar>?, _ length: Int) -> Int32 {
        self.request.appendName(at, length)
        return self.checkHeadSize()
    }

    func onHeaderValue(_ at: UnsafePointer<CChar>?, _ length: Int) -> Int32 {
        self.request.appendValue(at, length)
        return self.checkHeadSize()
    }

    private func checkHeadSize() -> Int32 {
        let limit = self.server.configuration.maxHeaderBytes
        if self.request.headBytes > limit {
            return self.refuse(
                .requestHeaderFieldsTooLarge,
                "headers_too_large",
                "The request head is larger than \(limit) bytes."
            )
        }
        return Self.proceed
    }

    func onHeadersComplete() -> Int32 {
        self.request.finishHeaderField()
        // The loop's time at this batch of events: no clock call per request, and durations
        // then include time spent queued behind the batch, as the client sees it.
        self.headCompletedAt = self.loop.now
        let parser = self.parser.pointee
        self.request.version = HTTPVersion(major: Int(parser.http_major), minor: Int(parser.http_minor))
        guard parser.http_major == 1 else {
            let found = self.request.version
            return self.refuse(
                .httpVersionNotSupported, "version_not_supported", "\(found) is not served; use HTTP/1.1.")
        }
        guard let method = Self.method(parser.method) else {
            let name = String(cString: http_method_str(http_method(parser.method)))
            return self.refuse(.notImplemented, "method_not_implemented", "The method \(name) is not implemented.")
        }
        self.request.method = method

        let chunked = parser.flags & UInt32(F_CHUNKED.rawValue) != 0
        let length = parser.content_length
        let hasBody = chunked || (length != UInt64.max && length > 0)
        let limit = self.server.configuration.maxBodyBytes
        if !chunked && length != UInt64.max && length > UInt64(limit) {
            return self.refuse(.contentTooLarge, "body_too_large", "The request body is larger than \(limit) bytes.")
        }
        if hasBody {
            self.phase = .readingBody
            self.deadline = self.loop.now &+ MonotonicClock.nanoseconds(self.server.configuration.bodyTimeout)
            if self.request.headers.hasToken("100-continue", in: "Expect") && self.request.version == .http11 {
                self.output.appendStatic("HTTP/1.1 100 Continue\r\n\r\n")
                self.flush()
            }
        } else {
            self.deadline = 0
        }
        return Self.proceed
    }

    func onBody(_ at: UnsafePointer<CChar>?, _ length: Int) -> Int32 {
        let limit = self.server.configuration.maxBodyBytes
        if self.request.body.count + length > limit {
            return self.refuse(.contentTooLarge, "body_too_large", "The request body is larger than \(limit) bytes.")
        }
        self.request.body.append(contentsOf: UnsafeRawBufferPointer(start: at, count: length))
        return Self.proceed
    }

    func onMessageComplete() -> Int32 {
        self.deadline = 0
        // Stop after each request so it is answered before the next one is parsed.
        http_parser_pause(self.parser, 1)
        return Self.proceed
    }

    private func refuse(_ status: HTTPStatus, _ code: String, _ message: String) -> Int32 {
        self.parseRefusal = HTTPError(status, code: code, message: message)
        return Self.stop
    }

    private static func method(_ raw: UInt32) -> HTTPMethod? {
        switch raw {
        case HTTP_GET.rawValue: .get
        case HTTP_HEAD.rawValue: .head
        case HTTP_POST.rawValue: .post
        case HTTP_PUT.rawValue: .put
        case HTTP_PATCH.rawValue: .patch
        case HTTP_DELETE.rawValue: .delete
        case HTTP_OPTIONS.rawValue: .options
        default: nil
        }
    }

    /// The refusal for a parser error that no callback explained.
    static func error(forParserStatus status: UInt32, parser: UnsafeMutablePointer<http_parser>) -> HTTPError {
        switch status {
        case HPE_INVALID_METHOD.rawValue:
            return HTTPError(
                .notImplemented, code: "method_not_implemented", message: "The request method is not implemented.")
        case HPE_HEADER_OVERFLOW.rawValue:
            return HTTPError(
                .requestHeaderFieldsTooLarge, code: "headers_too_large", message: "The request head is too large.")
        default:
            let detail = String(cString: http_errno_description(http_errno(status)))
            return HTTPError(
                .badRequest, code: "malformed_request", message: "The request is not valid HTTP/1.1: \(detail).")
        }
    }
}
