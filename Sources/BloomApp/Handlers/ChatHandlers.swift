import BloomCore
import BloomHTTP
import BloomStore
import Foundation

/// The chat API: one answer at once, an answer streamed as Server-Sent Events, and the stored
/// transcript of a conversation, to read page by page or to delete.
struct ChatHandlers: Sendable {
    let service: ChatService
    let pingInterval: Duration
    static let defaultPageSize = 50
    static let maximumPageSize = 200

    /// `POST /api/chat/message`: the whole answer as one JSON document, with diagnostic headers.
    ///
    /// A model that fails after its first token gives 502 `model_failed`; the partial answer is
    /// stored as failed. Fallback only replaces an answer that never started.
    func message(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let turn = try await self.service.begin(ChatInput(body: request.body))
        let outcome = await self.service.complete(turn) { _ in }
        try Task.checkCancellation()
        guard outcome.status == .complete else {
            var error = HTTPError(
                .badGateway, code: "model_failed", message: Self.failureMessage(outcome))
            error.headers = turn.diagnosticHeaders
            throw error
        }
        var response = try HTTPResponse.json(object: outcome.json)
        for field in turn.diagnosticHeaders { response.headers.set(field.name, field.value) }
        return response
    }

    /// `POST /api/chat/stream`: `delta` events (`{"text": ...}`), then one `done` event with the
    /// message endpoint's fields, or an `error` event (`{code, message, conversation_id,
    /// message_id}`) when the model fails mid-answer. Validation and routing happen before the
    /// head is sent, so those errors are plain JSON responses with their status; the diagnostic
    /// headers go out with the head and so describe the routing decision.
    func stream(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let turn = try await self.service.begin(ChatInput(body: request.body))
        let service = self.service
        return .eventStream(
            pingInterval: self.pingInterval, shutdown: context.shutdown, headers: turn.diagnosticHeaders
        ) { events in
            let outcome = await service.complete(turn) { piece in
                // Written by hand: one event per token, and JSONSerialization (bridging, sorted keys)
                // measured 13 % of Bloom's CPU per streamed chat in bench/gateway.
                try await events.send(ServerSentEvent(event: "delta", data: "{\"text\":\(JSONText.quoted(piece))}"))
            }
            switch outcome.status {
            case .complete:
                try await events.send(ServerSentEvent(event: "done", data: try Self.encode(outcome.json)))
            case .failed:
                let error: [String: Any] = [
                    "code": "model_failed",
                    "message": Self.failureMessage(outcome),
                    "conversation_id": turn.conversationID.uuidString.lowercased(),
                    "message_id": turn.answerID.uuidString.lowercased(),
                ]
                try await events.send(ServerSentEvent(event: "error", data: try Self.encode(error)))
            case .cancelled, .pending:
                // The client has gone; nobody is left to tell.
                break
            }
        }
    }

    /// `GET /api/chat/history/{id}?limit=&offset=`: messages oldest first, with the total.
    func history(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try Self.conversationID(context)
        let query = request.query
        let limit = try Self.integer(query["limit"], field: "limit", default: Self.defaultPageSize)
        let offset = try Self.integer(query["offset"], field: "offset", default: 0)
        guard (1...Self.maximumPageSize).contains(limit) else {
            throw HTTPError.badRequest(
                "The parameter \"limit\" must be from 1 to \(Self.maximumPageSize); it is \(limit).",
                code: "invalid_limit")
        }
        let store = self.service.store
        guard try await store.conversation(id: id) != nil else { throw Self.notFound(id) }
        let total = try await store.messageCount(conversation: id)
        let messages = try await store.messages(conversation: id, limit: limit, offset: offset)
        return try .json(object: [
            "conversation_id": id.uuidString.lowercased(),
            "messages": messages.map(ChatJSON.message),
            "total": total,
            "limit": limit,
            "offset": offset,
        ])
    }

    /// `DELETE /api/chat/history/{id}`: 204, and the conversation is gone from later reads.
    func delete(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let id = try Self.conversationID(context)
        guard try await self.service.store.deleteConversation(id: id) else { throw Self.notFound(id) }
        return HTTPResponse(status: .noContent)
    }

    /// What a client is told of a failed answer: its kind, not upstream addresses or messages
    /// (those are in the stored answer and the log).
    static func failureMessage(_ outcome: ChatOutcome) -> String {
        "The model stopped mid-answer (\(outcome.errorKind ?? outcome.status.rawValue)); the partial answer is kept."
    }

    private static func conversationID(_ context: RequestContext) throws -> UUID {
        let text = context.parameter("id")
        guard let id = UUID(uuidString: text) else {
            throw HTTPError.badRequest(
                "The conversation id in the path is not a UUID: \"\(text.prefix(64))\".",
                code: "invalid_conversation_id")
        }
        return id
    }

    private static func notFound(_ id: UUID) -> HTTPError {
        HTTPError.notFound("No conversation \(id.uuidString.lowercased()).", code: "conversation_not_found")
    }

    private static func integer(_ text: String?, field: String, default value: Int) throws -> Int {
        guard let text else { return value }
        guard let number = Int(text), number >= 0 else {
            throw HTTPError.badRequest(
                "The parameter \"\(field)\" must be a whole number of 0 or more; it is \"\(text.prefix(32))\".",
                code: "invalid_\(field)")
        }
        return number
    }

    static func encode(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
