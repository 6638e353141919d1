public import BloomHTTP
import Foundation
import Synchronization

/// A stand-in for a model server on loopback that speaks both Ollama's `POST /api/chat`
/// (NDJSON) and the OpenAI-compatible `POST /v1/chat/completions` (Server-Sent Events), as
/// their documentation describes them, and misbehaves on request.
public final class FakeModelServer: Sendable {
    /// What the next chat requests get.
    public enum Behavior: Sendable {
        /// Streams `tokens`, `delay` apart, then the final `done` line.
        case answer([String], delay: Duration = .zero)
        /// Answers with an HTTP status and an `{"error": message}` body.
        case status(Int, String)
        /// Streams `tokens`, then an `{"error": message}` line.
        case errorLine(after: [String], String)
        /// Streams `tokens`, then a line that is not JSON.
        case malformedLine(after: [String])
        /// Streams `tokens`, then closes the connection without the final line.
        case cut(after: [String])
        /// Sends the response head, then nothing.
        case hangBeforeFirstToken
    }

    public let server: HTTPServer
    /// Records `chat.started`, `chat.cancelled` and `chat.completed`, for either API.
    public let probe = Probe()
    private let state: State

    /// Owned by its mutex: the current behaviour, the request bodies received, and what the
    /// model lists (`/api/tags`, `/v1/models`) answer.
    private final class State: Sendable {
        let value: Mutex<(behavior: Behavior, bodies: [[UInt8]])>
        let listing = Mutex((models: ["fake:latest"], status: 200))
        init(_ behavior: Behavior) { self.value = Mutex((behavior: behavior, bodies: [])) }
    }

    public init(_ behavior: Behavior) throws {
        let state = State(behavior)
        let probe = self.probe
        self.state = state
        var router = Router()
        for dialect in [Dialect.ollama, .openAI] {
            router.post(
                dialect.path,
                .async { request, _ in
                    let behavior = state.value.withLock { state in
                        state.bodies.append(request.body)
                        return state.behavior
                    }
                    return Self.respond(behavior, dialect: dialect, probe: probe)
                }
            )
        }
        router.get("/api/tags", .sync { _, _ in Self.listing(state, dialect: .ollama) })
        router.get("/v1/models", .sync { _, _ in Self.listing(state, dialect: .openAI) })
        self.server = try TestHTTPServer.start(router: router)
    }

    /// The Ollama base URL; the OpenAI-compatible one is ``openAIURL``.
    public var url: String { "http://127.0.0.1:\(self.server.port)" }

    public var openAIURL: String { self.url + "/v1" }

    /// The two wire formats, each with its line format.
    enum Dialect: Sendable {
        case ollama
        case openAI

        var path: String { self == .ollama ? "/api/chat" : "/v1/chat/completions" }

        func token(_ text: String) -> String {
            switch self {
            case .ollama:
                #"{"model":"fake","message":{"role":"assistant","content":\#(quoted(text))},"done":false}"#
            case .openAI:
                #"data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"#
                    + #""delta":{"content":\#(quoted(text))},"finish_reason":null}]}"# + "\n"
            }
        }

        func done(tokens: Int) -> String {
            switch self {
            case .ollama:
                #"{"model":"fake","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","#
                    + #""prompt_eval_count":12,"prompt_eval_duration":3000000,"eval_count":\#(tokens),"#
                    + #""eval_duration":\#(tokens * 10_000_000),"total_duration":\#(tokens * 10_000_000 + 3_000_000)}"#
            case .openAI:
                #"data: {"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n"
                    + #"data: {"id":"x","choices":[],"usage":{"prompt_tokens":12,"#
                    + #""completion_tokens":\#(tokens),"total_tokens":\#(12 + tokens)}}"#
                    + "\n\ndata: [DONE]\n"
            }
        }

        func error(_ message: String) -> String {
            switch self {
            case .ollama: #"{"error":\#(quoted(message))}"#
            case .openAI: #"data: {"error":{"message":\#(quoted(message)),"type":"server_error"}}"# + "\n"
            }
        }

        var malformed: String { self == .ollama ? "{not json" : "data: {not json\n" }

        func statusBody(_ message: String) -> String {
            switch self {
            case .ollama: #"{"error":\#(quoted(message))}"#
            case .openAI: #"{"error":{"message":\#(quoted(message)),"type":"server_error","code":null}}"#
            }
        }
    }

    public func setBehavior(_ behavior: Behavior) { self.state.value.withLock { $0.behavior = behavior } }

    /// What the model lists answer: these model names, with this status (503 means loading).
    public func setListing(models: [String], status: Int = 200) {
        self.state.listing.withLock { $0 = (models, status) }
    }

    private static func listing(_ state: State, dialect: Dialect) -> HTTPResponse {
        let (models, status) = state.listing.withLock { $0 }
        let entries = models.map { name in
            dialect == .ollama
                ? #"{"name":\#(quoted(name)),"model":\#(quoted(name))}"# : #"{"id":\#(quoted(name)),"object":"model"}"#
        }
        let body =
            dialect == .ollama
            ? #"{"models":[\#(entries.joined(separator: ","))]}"#
            : #"{"object":"list","data":[\#(entries.joined(separator: ","))]}"#
        return .json(bytes: Array(body.utf8), status: HTTPStatus(code: status, reason: "Fake"))
    }

    /// The JSON bodies of the chat requests received so far.
    public var requests: [[String: Any]] {
        self.state.value.withLock { $0.bodies }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
        }
    }

    public func stop() async { await self.server.shutdown(timeout: .seconds(1)) }

    private static func respond(_ behavior: Behavior, dialect: Dialect, probe: Probe) -> HTTPResponse {
        if case .status(let code, let message) = behavior {
            let body = dialect.statusBody(message)
            return .json(bytes: Array(body.utf8), status: HTTPStatus(code: code, reason: "Fake"))
        }
        let type = dialect == .ollama ? "application/x-ndjson" : "text/event-stream"
        return HTTPResponse(
            status: .ok, headers: ["Content-Type": type],
            body: .stream { body in
                probe.mark("chat.started")
                do {
                    try await Self.stream(behavior, dialect: dialect, to: body)
                    probe.mark("chat.completed")
                } catch {
                    if Task.isCancelled { probe.mark("chat.cancelled") }
                    throw error
                }
            })
    }

    private static func stream(_ behavior: Behavior, dialect: Dialect, to body: ResponseBodyWriter) async throws {
        switch behavior {
        case .answer(let tokens, let delay):
            try await Self.send(tokens, delay: delay, dialect: dialect, to: body)
            try await body.write(dialect.done(tokens: tokens.count) + "\n")
        case .errorLine(let tokens, let message):
            try await Self.send(tokens, delay: .zero, dialect: dialect, to: body)
            try await body.write(dialect.error(message) + "\n")
        case .malformedLine(let tokens):
            try await Self.send(tokens, delay: .zero, dialect: dialect, to: body)
            try await body.write(dialect.malformed + "\n")
        case .cut(let tokens):
            try await Self.send(tokens, delay: .zero, dialect: dialect, to: body)
            // Any error other than cancellation makes the server drop the connection without
            // the last chunk, which is what a crashed upstream looks like.
            throw CutConnection()
        case .hangBeforeFirstToken:
            try await Task.sleep(for: .seconds(600))
        case .status:
            preconditionFailure("status answers are not streamed")
        }
    }

    private static func send(_ tokens: [String], delay: Duration, dialect: Dialect, to body: ResponseBodyWriter)
        async throws
    {
        for token in tokens {
            try await body.write(dialect.token(token) + "\n")
            if delay > .zero { try await Task.sleep(for: delay) }
        }
    }

    private struct CutConnection: Error {}
}

/// `text` as a JSON string literal.
private func quoted(_ text: String) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed), as: UTF8.self)
}
