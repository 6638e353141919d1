import BloomGateway
import BloomHTTP
import Foundation

/// The body of `POST /v1/chat/completions`, as far as Bloom reads it (OpenAI's Chat
/// Completions API reference). Fields Bloom does not know are ignored, as OpenAI-compatible
/// servers commonly do.
struct OpenAIChatRequest: Decodable {
    struct Message: Decodable {
        let role: String
        let content: Content?
    }

    /// A message's content: a string, or a list of parts of which only text parts are read.
    struct Content: Decodable {
        let text: String

        private struct Part: Decodable {
            let type: String
            let text: String?
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self.text = text
                return
            }
            let parts = try container.decode([Part].self)
            guard parts.allSatisfy({ $0.type == "text" }) else {
                throw HTTPError.badRequest(
                    "Only text content parts are supported; images and audio are not.", code: "invalid_content")
            }
            self.text = parts.compactMap(\.text).joined()
        }
    }

    /// `stop`: one string or a list of them.
    struct StopList: Decodable {
        let values: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let one = try? container.decode(String.self) {
                self.values = [one]
            } else {
                self.values = try container.decode([String].self)
            }
        }
    }

    struct StreamOptions: Decodable {
        let includeUsage: Bool?

        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    struct ResponseFormat: Decodable { let type: String }

    let model: String?
    let messages: [Message]?
    let stream: Bool?
    let streamOptions: StreamOptions?
    let maxTokens: Int?
    let maxCompletionTokens: Int?
    let temperature: Double?
    let topP: Double?
    let stop: StopList?
    let seed: Int?
    let responseFormat: ResponseFormat?
    let n: Int?

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, temperature, stop, seed, n
        case streamOptions = "stream_options"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case topP = "top_p"
        case responseFormat = "response_format"
    }

    /// The native chat input this request stands for.
    func chatInput() throws -> ChatInput {
        guard let messages else {
            throw HTTPError.badRequest("The field \"messages\" is required.", code: "invalid_messages")
        }
        guard (self.n ?? 1) == 1 else {
            throw HTTPError.badRequest("Only one choice per request is supported; \"n\" must be 1.", code: "invalid_n")
        }
        var options = GenerationOptions()
        options.maxTokens = self.maxCompletionTokens ?? self.maxTokens
        options.temperature = self.temperature
        options.topP = self.topP
        options.stop = self.stop?.values ?? []
        options.seed = self.seed
        switch self.responseFormat?.type {
        case nil, "text": break
        case "json_object", "json_schema": options.jsonOutput = true
        case let other?:
            throw HTTPError.badRequest(
                "The field \"response_format.type\" is \"\(other)\"; expected text, json_object or json_schema.",
                code: "invalid_response_format")
        }
        return try ChatInput(
            conversation: messages.map(Self.chatMessage), model: self.model, options: options,
            metadata: ["api": "openai"])
    }

    private static func chatMessage(_ message: Message) throws -> ChatMessage {
        let role: ChatMessage.Role
        switch message.role {
        case "system", "developer": role = .system
        case "user": role = .user
        case "assistant": role = .assistant
        default:
            throw HTTPError.badRequest(
                "A message has role \"\(message.role)\"; expected system, developer, user or assistant "
                    + "(tools are not supported).",
                code: "invalid_messages")
        }
        return ChatMessage(role, message.content?.text ?? "")
    }
}

/// The objects Bloom answers with, in OpenAI's shapes.
enum OpenAIWire {
    /// One `chat.completion.chunk`; `choices` is empty for the usage chunk.
    static func chunk(
        id: String, created: Int, model: String, delta: [String: Any]?, finishReason: String? = nil,
        usage: [String: Any]? = nil
    ) -> [String: Any] {
        var object: [String: Any] = [
            "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
            "system_fingerprint": "bloom",
        ]
        if let delta {
            object["choices"] = [
                [
                    "index": 0, "delta": delta, "logprobs": NSNull(),
                    "finish_reason": finishReason.map { $0 as Any } ?? NSNull(),
                ]
            ]
        } else {
            object["choices"] = [Any]()
        }
        if let usage { object["usage"] = usage }
        return object
    }

    /// The whole `chat.completion` of a non-streamed request.
    static func completion(id: String, created: Int, outcome: ChatOutcome) -> [String: Any] {
        [
            "id": id, "object": "chat.completion", "created": created, "model": outcome.turn.modelUsed ?? "none",
            "system_fingerprint": "bloom",
            "choices": [
                [
                    "index": 0, "message": ["role": "assistant", "content": outcome.text],
                    "logprobs": NSNull(), "finish_reason": Self.finishReason(outcome),
                ] as [String: Any]
            ],
            "usage": Self.usage(outcome),
        ]
    }

    static func usage(_ outcome: ChatOutcome) -> [String: Any] {
        [
            "prompt_tokens": outcome.promptTokens, "completion_tokens": outcome.completionTokens,
            "total_tokens": outcome.promptTokens + outcome.completionTokens,
        ]
    }

    /// `length` when the model stopped at its token limit, `stop` otherwise.
    static func finishReason(_ outcome: ChatOutcome) -> String {
        outcome.summary?.finishReason == "length" ? "length" : "stop"
    }

    /// `{"error": {message, type, param, code}}`, OpenAI's error object.
    static func error(_ error: HTTPError) -> [String: Any] {
        let type: String =
            switch error.status.code {
            case 401: "authentication_error"
            case 500...: "server_error"
            default: "invalid_request_error"
            }
        var parameter: Any = NSNull()
        if error.code.hasPrefix("invalid_") && error.code != "invalid_json" && error.code != "invalid_api_key" {
            parameter = String(error.code.dropFirst("invalid_".count))
        } else if error.code == "model_not_found" {
            parameter = "model"
        }
        return ["error": ["message": error.message, "type": type, "param": parameter, "code": error.code]]
    }
}
