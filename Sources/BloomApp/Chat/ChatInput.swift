import BloomHTTP
import Foundation

/// A visitor's chat request, read and checked: the body of `POST /api/chat/message` and
/// `POST /api/chat/stream`, which every API adapter will also produce.
struct ChatInput: Sendable, Equatable {
    static let maximumMessageCharacters = 10_000

    var message: String
    var conversationID: UUID?
    /// The task type whose priority list chooses the model; nil for the conversation's own.
    var task: String?
    /// A catalogue model that must answer, skipping the task's list.
    var model: String?
    var metadata: [String: String]

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

    private static func invalid(_ field: String, _ message: String) -> HTTPError {
        HTTPError.badRequest(message, code: "invalid_\(field)")
    }
}
