import BloomStore
import Foundation

typealias StoredMessageStatus = StoredMessage.Status

/// Shared pieces of the chat API's JSON.
enum ChatJSON {
    /// ISO 8601 with milliseconds, in UTC.
    static func timestamp(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// A parsed ISO 8601 time, with or without fractional seconds; nil when it is not one.
    static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// One stored message as `GET /api/chat/history/{id}` lists it.
    static func message(_ message: StoredMessage) -> [String: Any] {
        var object: [String: Any] = [
            "id": message.id.uuidString.lowercased(),
            "role": message.role.rawValue,
            "content": message.content,
            "status": message.status.rawValue,
            "created_at": Self.timestamp(message.createdAt),
            "model": message.model.map { $0 as Any } ?? NSNull(),
            "fallback": message.fallback,
        ]
        if message.role == .assistant {
            let prompt = message.promptTokens ?? 0
            let completion = message.completionTokens ?? 0
            object["usage"] = [
                "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
            ]
        } else {
            object["usage"] = NSNull()
        }
        // The stored error is the router's or provider's full account, with upstream addresses:
        // for the log and operators, not for a public transcript.
        if message.status == .failed { object["error"] = "the model stopped mid-answer" }
        return object
    }
}
