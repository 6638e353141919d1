/// One Server-Sent Event (WHATWG HTML §9.2).
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String?
    public var data: String
    public var id: String?
    /// Reconnection delay the client should use, in milliseconds.
    public var retry: Int?

    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }

    /// The event in the stream format: one `data:` line per line of `data`, then a blank line.
    /// Line breaks inside `event` and `id` would end the field early, so they become spaces.
    public var encoded: String {
        var text = ""
        if let id { text += "id: \(Self.singleLine(id))\n" }
        if let event { text += "event: \(Self.singleLine(event))\n" }
        if let retry { text += "retry: \(retry)\n" }
        let normalised = self.data.replacingCRLF
        for line in normalised.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }

    private static func singleLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}

extension String {
    fileprivate var replacingCRLF: String {
        guard self.contains("\r") else { return self }
        return self.split(separator: "\r\n", omittingEmptySubsequences: false).joined(separator: "\n")
            .split(separator: "\r", omittingEmptySubsequences: false).joined(separator: "\n")
    }
}

/// Sends events on an open event stream.
public struct EventStreamWriter: Sendable {
    let body: ResponseBodyWriter

    public func send(_ event: ServerSentEvent) async throws {
        try await self.body.write(event.encoded)
    }

    /// A comment line, which clients ignore; keeps proxies from timing the stream out.
    public func comment(_ text: String) async throws {
        try await self.body.write(": \(text)\n\n")
    }
}

extension HTTPResponse {
    /// A `text/event-stream` response whose events come from `produce`.
    ///
    /// While `produce` runs, a comment ping goes out every `pingInterval`. When the server
    /// begins a graceful shutdown, `produce` is cancelled and `finalEvent` ends the stream, so
    /// clients learn why it closed instead of seeing a cut.
    public static func eventStream(
        pingInterval: Duration,
        shutdown: ShutdownSignal,
        finalEvent: ServerSentEvent = ServerSentEvent(event: "shutdown", data: #"{"reason":"server shutting down"}"#),
        headers: HTTPHeaders = HTTPHeaders(),
        produce: @escaping @Sendable (EventStreamWriter) async throws -> Void
    ) -> HTTPResponse {
        var fields = headers
        fields.set("Content-Type", "text/event-stream; charset=utf-8")
        fields.set("Cache-Control", "no-cache")
        // nginx buffers proxied responses unless told not to.
        fields.set("X-Accel-Buffering", "no")
        return HTTPResponse(
            status: .ok, headers: fields,
            body: .stream { body in
                let writer = EventStreamWriter(body: body)
                let endedByShutdown = try await Self.race(
                    produce: produce, writer: writer, ping: pingInterval, shutdown: shutdown)
                if endedByShutdown {
                    try await writer.send(finalEvent)
                }
            })
    }

    /// Runs the producer, the pings and the shutdown watch together; true when shutdown won.
    private static func race(
        produce: @escaping @Sendable (EventStreamWriter) async throws -> Void,
        writer: EventStreamWriter,
        ping: Duration,
        shutdown: ShutdownSignal
    ) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool?.self) { group in
            group.addTask {
                try await produce(writer)
                return false
            }
            group.addTask {
                await shutdown.wait()
                return Task.isCancelled ? nil : true
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: ping)
                    try await writer.comment("ping")
                }
            }
            defer { group.cancelAll() }
            while let outcome = try await group.next() {
                if let outcome { return outcome }
            }
            return false
        }
    }

    /// An `application/x-ndjson` response: one JSON document per line, as Ollama streams.
    public static func ndjson(
        headers: HTTPHeaders = HTTPHeaders(),
        produce: @escaping @Sendable (NDJSONWriter) async throws -> Void
    ) -> HTTPResponse {
        var fields = headers
        fields.set("Content-Type", "application/x-ndjson")
        fields.set("X-Accel-Buffering", "no")
        return HTTPResponse(
            status: .ok, headers: fields,
            body: .stream { body in
                try await produce(NDJSONWriter(body: body))
            })
    }
}

/// Writes newline-delimited JSON documents.
public struct NDJSONWriter: Sendable {
    let body: ResponseBodyWriter

    /// Writes one encoded JSON document followed by a newline.
    public func send(json bytes: [UInt8]) async throws {
        precondition(!bytes.contains(10), "an NDJSON line must not contain a newline")
        try await self.body.write(bytes + [10])
    }
}
