import BloomCore
import BloomHTTP
import Foundation

/// The OpenAI-compatible API (`/v1/models`, `/v1/chat/completions`): an adapter that turns
/// OpenAI's wire format into a native chat turn and the turn's answer back into OpenAI's.
///
/// Routing, generation, storage and metrics are the native chat path's (``ChatService``). Each
/// request is stored as a new conversation marked `{"api": "openai"}`, holding the client's
/// last user message and the answer: the API is stateless, so the client's earlier messages
/// are sent to the model but not stored again on every call. When no model can answer, the
/// client gets 502 or 503 in OpenAI's error shape, never the fallback text.
struct OpenAIAdapter: Sendable {
    let service: ChatService
    let keys: APIKeys
    let pingInterval: Duration
    /// `created` of every listed model: when this Bloom started (the catalogue has no dates).
    let startedAt: Date
    let logger: Logger

    /// `GET /v1/models`: the catalogue.
    func models(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        self.answering(request, context) {
            let created = Int(self.startedAt.timeIntervalSince1970)
            let models = self.service.gateway.current.catalogue.models.map { model -> [String: Any] in
                ["id": model.name, "object": "model", "created": created, "owned_by": "bloom"]
            }
            return try .json(object: ["object": "list", "data": models])
        }
    }

    /// `POST /v1/chat/completions`: a `chat.completion`, or with `stream: true` a stream of
    /// `chat.completion.chunk` events ending in `data: [DONE]`.
    func chatCompletions(_ request: HTTPRequest, _ context: RequestContext) async -> HTTPResponse {
        await self.answering(request, context) {
            guard !request.body.isEmpty else {
                throw HTTPError.badRequest("The request body is empty; send a JSON object.", code: "invalid_json")
            }
            let body = try JSONDecoder().decode(OpenAIChatRequest.self, from: Data(request.body))
            let turn = try await self.service.begin(try body.chatInput())
            let id = "chatcmpl-" + turn.answerID.uuidString.lowercased()
            let created = Int(Date().timeIntervalSince1970)
            guard body.stream == true else {
                let outcome = await self.service.complete(turn) { _ in }
                try Task.checkCancellation()
                guard outcome.status == .complete else { throw Self.failed(outcome) }
                var response = try HTTPResponse.json(
                    object: OpenAIWire.completion(id: id, created: created, outcome: outcome))
                for field in turn.diagnosticHeaders { response.headers.set(field.name, field.value) }
                return response
            }
            let stream = ChunkStream(
                id: id, created: created, model: turn.modelUsed ?? "none",
                includeUsage: body.streamOptions?.includeUsage == true)
            return self.eventStream(turn, stream, context)
        }
    }

    /// The chunks of one streamed completion.
    private struct ChunkStream {
        let id: String
        let created: Int
        let model: String
        let includeUsage: Bool

        func event(delta: [String: Any]?, finishReason: String? = nil, usage: [String: Any]? = nil) throws
            -> ServerSentEvent
        {
            let chunk = OpenAIWire.chunk(
                id: self.id, created: self.created, model: self.model, delta: delta, finishReason: finishReason,
                usage: usage)
            return ServerSentEvent(data: try CompatJSON.text(chunk))
        }
    }

    /// The role first, a chunk per piece of text, the finish reason, the usage chunk when asked
    /// for, and `[DONE]`. A failure mid-answer ends the stream with an error object and no
    /// `[DONE]`, which OpenAI's clients raise as an API error.
    private func eventStream(_ turn: ChatTurn, _ stream: ChunkStream, _ context: RequestContext) -> HTTPResponse {
        let service = self.service
        let shutdown = OpenAIWire.error(
            HTTPError(.serviceUnavailable, code: "shutting_down", message: "The server is shutting down."))
        return .eventStream(
            pingInterval: self.pingInterval, shutdown: context.shutdown,
            finalEvent: ServerSentEvent(data: (try? CompatJSON.text(shutdown)) ?? "{}"),
            headers: turn.diagnosticHeaders
        ) { events in
            // A client gone before the first chunk still has its turn ended (as cancelled).
            let opened = (try? await events.send(stream.event(delta: ["role": "assistant", "content": ""]))) != nil
            let outcome = await service.complete(turn) { piece in
                guard opened else { throw CancellationError() }
                try await events.send(stream.event(delta: ["content": piece]))
            }
            switch outcome.status {
            case .complete:
                try await events.send(stream.event(delta: [:], finishReason: OpenAIWire.finishReason(outcome)))
                if stream.includeUsage {
                    try await events.send(stream.event(delta: nil, usage: OpenAIWire.usage(outcome)))
                }
                try await events.send(ServerSentEvent(data: "[DONE]"))
            case .failed:
                try await events.send(
                    ServerSentEvent(data: try CompatJSON.text(OpenAIWire.error(Self.failed(outcome)))))
            case .cancelled, .pending:
                break
            }
        }
    }

    private static func failed(_ outcome: ChatOutcome) -> HTTPError {
        HTTPError(.badGateway, code: "model_failed", message: ChatHandlers.failureMessage(outcome))
    }

    /// Checks the API key, runs `body`, and writes any error in OpenAI's shape.
    private func answering(
        _ request: HTTPRequest, _ context: RequestContext, _ body: () async throws -> HTTPResponse
    ) async -> HTTPResponse {
        do {
            try self.authorize(request)
            return try await body()
        } catch {
            return self.errorResponse(error, context)
        }
    }

    private func answering(
        _ request: HTTPRequest, _ context: RequestContext, _ body: () throws -> HTTPResponse
    ) -> HTTPResponse {
        do {
            try self.authorize(request)
            return try body()
        } catch {
            return self.errorResponse(error, context)
        }
    }

    private func authorize(_ request: HTTPRequest) throws {
        guard self.keys.allows(authorization: request.headers["Authorization"]) else {
            throw HTTPError(
                .unauthorized, code: "invalid_api_key",
                message: "This API needs a key: send \"Authorization: Bearer <key>\" with one of the configured keys.",
                headers: ["WWW-Authenticate": "Bearer"])
        }
    }

    private func errorResponse(_ error: any Error, _ context: RequestContext) -> HTTPResponse {
        let httpError = ErrorResponder.httpError(for: error, requestID: context.requestID, logger: self.logger)
        let bytes = (try? CompatJSON.encode(OpenAIWire.error(httpError))) ?? []
        var response = HTTPResponse.json(bytes: bytes, status: httpError.status)
        for field in httpError.headers { response.headers.add(field.name, field.value) }
        return response
    }
}
