import BloomGateway
import BloomHTTP
import Foundation

/// A visitor's chat request, read and checked: the body of `POST /api/chat/message` and
/// `POST /api/chat/stream`, or what an API adapter makes of its own body.
struct ChatInput: Sendable, Equatable {
    static let maximumMessageCharacters = 10_000

    var message: String
    var conversationID: UUID?
    /// The task type whose priority list chooses the model; nil for the conversation's own.
    var task: String?
    /// A catalogue model that must answer, skipping the task's list.
    var model: String?
    var metadata: [String: String]
    /// The whole conversation as an API client sent it (OpenAI, Ollama), system messages
    /// included; nil for the native API, whose prompt is the stored conversation plus
    /// ``message``. When set, ``message`` is what is stored as the visitor's turn.
    var clientConversation: [ChatMessage]?
    /// Sampling options the client set; the model's defaults fill in the rest.
    var options = GenerationOptions()
    /// Whether the configured fallback text answers when every model fails. The compatible
    /// APIs say false: their clients expect an error status, not a reply no model wrote.
    var answersWithFallback = true

    /// The JSON body as sent; every field but `message` may be left out.
    private struct Body: Decodable {
        let message: String?
        let conversationID: String?
        let task: String?
        let model: String?
        let metadata: [String: String]?

        enum CodingKeys: String, CodingKey {
            case message, task, model, metadata
            case conversationID = "conversation_id"
        }
    }

    /// Decodes and validates a request body; each error names the field at fault.
    ///
    /// Decoding errors (a number where a string belongs) become 400 `invalid_json` through
    /// ``ErrorResponder``, which names the field too.
    init(body: [UInt8]) throws {
        guard !body.isEmpty else {
            throw HTTPError.badRequest(
                "The request body is empty; send JSON such as {\"message\": \"Hello\"}.", code: "invalid_json")
        }
        let decoded = try JSONDecoder().decode(Body.self, from: Data(body))
        guard let message = decoded.message else {
            throw Self.invalid("message", "The field \"message\" is required.")
        }
        try self.init(
            message: message, conversationID: decoded.conversationID, task: decoded.task, model: decoded.model,
            metadata: decoded.metadata ?? [:])
    }

    init(message: String, conversationID: String?, task: String?, model: String?, metadata: [String: String])
        throws(HTTPError)
    {
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Self.invalid("message", "The field \"message\" is empty or only whitespace.")
        }
        guard message.count <= Self.maximumMessageCharacters else {
            throw Self.invalid(
                "message",
                "The field \"message\" has \(message.count) characters; at most "
                    + "\(Self.maximumMessageCharacters) are accepted.")
        }
        self.message = message
        if let conversationID {
            guard let id = UUID(uuidString: conversationID) else {
                throw Self.invalid(
                    "conversation_id", "The field \"conversation_id\" is not a UUID: \"\(conversationID.prefix(64))\".")
            }
            self.conversationID = id
        }
        for (field, value) in [("task", task), ("model", model)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw Self.invalid(field, "The field \"\(field)\" is empty; leave it out for the default.")
            }
        }
        self.task = task
        self.model = model
        self.metadata = metadata
    }

    /// A stateless API request: the client's whole conversation, in a new stored conversation
    /// marked with `metadata` (`{"api": "openai"}`). Its last user message is stored as the
    /// visitor's turn.
    ///
    /// Throws 400 `invalid_messages` for an empty list or one without a user message. The
    /// 10,000-character limit of a visitor message does not apply: API clients send documents,
    /// and the body size limit bounds them.
    init(conversation: [ChatMessage], model: String?, options: GenerationOptions, metadata: [String: String])
        throws(HTTPError)
    {
        guard let last = conversation.last(where: { $0.role == .user }) else {
            throw Self.invalid(
                "messages",
                conversation.isEmpty
                    ? "The field \"messages\" is empty; send at least one user message."
                    : "The field \"messages\" has no message with role \"user\".")
        }
        if let model, model.trimmingCharacters(in: .whitespaces).isEmpty {
            throw Self.invalid("model", "The field \"model\" is empty; name a model from the model list.")
        }
        self.message = last.content
        self.model = model
        self.metadata = metadata
        self.clientConversation = conversation
        self.options = options
        self.answersWithFallback = false
    }

    private static func invalid(_ field: String, _ message: String) -> HTTPError {
        HTTPError.badRequest(message, code: "invalid_\(field)")
    }
}
