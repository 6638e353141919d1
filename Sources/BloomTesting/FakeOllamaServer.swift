public import BloomHTTP
import Foundation
import Synchronization

/// A stand-in for an Ollama server on loopback, speaking `POST /api/chat` with NDJSON
/// streaming as Ollama documents it, and misbehaving on request.
public final class FakeOllamaServer: Sendable {
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
    /// Records `chat.started`, `chat.cancelled` and `chat.completed`.
    public let probe = Probe()
    private let state: State

    /// Owned by its mutex: the current behaviour and the request bodies received.
    private final class State: Sendable {
        let value: Mutex<(behavior: Behavior, bodies: [[UInt8]])>
        init(_ behavior: Behavior) { self.value = Mutex((behavior: behavior, bodies: [])) }
    }

    public init(_ behavior: Behavior) throws {
        let state = State(behavior)
        let probe = self.probe
        self.state = state
        var router = Router()
        router.post(
            "/api/chat",
            .async { request, _ in
                let behavior = state.value.withLock { state in
                    state.bodies.append(request.body)
                    return state.behavior
                }
                return Self.respond(behavior, probe: probe)
            }
        )
        self.server = try TestHTTPServer.start(router: router)
    }

    public var url: String { "http://127.0.0.1:\(self.server.port)" }

    public func setBehavior(_ behavior: Behavior) { self.state.value.withLock { $0.behavior = behavior } }

    /// The JSON bodies of the chat requests received so far.
    public var requests: [[String: Any]] {
        self.state.value.withLock { $0.bodies }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
        }
    }

    public func stop() async { await self.server.shutdown(timeout: .seconds(1)) }

    private static func respond(_ behavior: Behavior, probe: Probe) -> HTTPResponse {
        if case .status(let code, let message) = behavior {
            let body = #"{"error":\#(Self.quoted(message))}"#
            return .json(bytes: Array(body.utf8), status: HTTPStatus(code: code, reason: "Fake"))
        }
        return .ndjson { lines in
            probe.mark("chat.started")
            do {
                try await Self.stream(behavior, to: lines)
                probe.mark("chat.completed")
            } catch {
                if Task.isCancelled { probe.mark("chat.cancelled") }
                throw error
            }
        }
    }

    private static func stream(_ behavior: Behavior, to lines: NDJSONWriter) async throws {
        switch behavior {
        case .answer(let tokens, let delay):
            try await Self.send(tokens, delay: delay, to: lines)
            let done =
                #"{"model":"fake","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","#
                + #""prompt_eval_count":12,"prompt_eval_duration":3000000,"eval_count":\#(tokens.count),"#
                + #""eval_duration":\#(tokens.count * 10_000_000),"total_duration":\#(tokens.count * 10_000_000 + 3_000_000)}"#
            try await lines.send(json: Array(done.utf8))
        case .errorLine(let tokens, let message):
            try await Self.send(tokens, delay: .zero, to: lines)
            try await lines.send(json: Array(#"{"error":\#(Self.quoted(message))}"#.utf8))
        case .malformedLine(let tokens):
            try await Self.send(tokens, delay: .zero, to: lines)
            try await lines.send(json: Array("{not json".utf8))
        case .cut(let tokens):
            try await Self.send(tokens, delay: .zero, to: lines)
            // Any error other than cancellation makes the server drop the connection without
            // the last chunk, which is what a crashed upstream looks like.
            throw CutConnection()
        case .hangBeforeFirstToken:
            try await Task.sleep(for: .seconds(600))
        case .status:
            preconditionFailure("status answers are not streamed")
        }
    }

    private static func send(_ tokens: [String], delay: Duration, to lines: NDJSONWriter) async throws {
        for token in tokens {
            let line = #"{"model":"fake","message":{"role":"assistant","content":\#(Self.quoted(token))},"done":false}"#
            try await lines.send(json: Array(line.utf8))
            if delay > .zero { try await Task.sleep(for: delay) }
        }
    }

    private struct CutConnection: Error {}

    private static func quoted(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed), as: UTF8.self)
    }
}
