import BloomGateway
import BloomHTTP
import Foundation

/// The bodies of Ollama's `POST /api/chat` and `POST /api/generate`, as far as Bloom reads them
/// (Ollama's docs/api.md). Unknown fields are ignored, as Ollama does.
struct OllamaRequest: Decodable {
    struct Message: Decodable {
        let role: String
        let content: String?
    }

    /// `options`, in Ollama's names; others (`mirostat`, `num_gpu`, …) are ignored.
    struct Options: Decodable {
        let temperature: Double?
        let topP: Double?
        let topK: Int?
        let minP: Double?
        let repeatPenalty: Double?
        let seed: Int?
        let stop: [String]?
        let numPredict: Int?
        let numCtx: Int?

        enum CodingKeys: String, CodingKey {
            case temperature, seed, stop
            case topP = "top_p"
            case topK = "top_k"
            case minP = "min_p"
            case repeatPenalty = "repeat_penalty"
            case numPredict = "num_predict"
            case numCtx = "num_ctx"
        }
    }

    /// `format`: `"json"`, or a JSON schema object, which Bloom treats as `"json"`.
    struct Format: Decodable {
        let json: Bool

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                guard text.isEmpty || text == "json" else {
                    throw HTTPError.badRequest(
                        "The field \"format\" is \"\(text.prefix(32))\"; expected \"json\" or a JSON schema.",
                        code: "invalid_format")
                }
                self.json = text == "json"
            } else {
                self.json = true
            }
        }
    }

    let model: String?
    let messages: [Message]?
    let prompt: String?
    let system: String?
    let stream: Bool?
    let format: Format?
    let options: Options?

    /// Ollama streams unless told not to.
    var streams: Bool { self.stream ?? true }

    var generationOptions: GenerationOptions {
        var options = GenerationOptions()
        options.jsonOutput = self.format?.json ?? false
        guard let given = self.options else { return options }
        options.temperature = given.temperature
        options.topP = given.topP
        options.topK = given.topK
        options.minP = given.minP
        options.repeatPenalty = given.repeatPenalty
        options.seed = given.seed
        options.stop = given.stop ?? []
        // -1 (no limit) and -2 (fill the context) leave the model's own limit.
        options.maxTokens = given.numPredict.flatMap { $0 > 0 ? $0 : nil }
        options.contextSize = given.numCtx
        return options
    }

    /// `POST /api/chat`'s conversation as native chat input.
    func chatInput() throws -> ChatInput {
        guard let messages = self.messages else {
            throw HTTPError.badRequest("The field \"messages\" is required.", code: "invalid_messages")
        }
        return try self.input(messages.map(Self.chatMessage), api: "ollama")
    }

    /// `POST /api/generate`'s prompt, after its `system` when given, as native chat input.
    func generateInput() throws -> ChatInput {
        var conversation: [ChatMessage] = []
        if let system = self.system, !system.isEmpty { conversation.append(ChatMessage(.system, system)) }
        conversation.append(ChatMessage(.user, self.prompt ?? ""))
        return try self.input(conversation, api: "ollama")
    }

    private func input(_ conversation: [ChatMessage], api: String) throws -> ChatInput {
        try ChatInput(
            conversation: conversation, model: self.model, options: self.generationOptions, metadata: ["api": api])
    }

    private static func chatMessage(_ message: Message) throws -> ChatMessage {
        guard let role = ChatMessage.Role(rawValue: message.role) else {
            throw HTTPError.badRequest(
                "A message has role \"\(message.role.prefix(32))\"; expected system, user or assistant "
                    + "(tools are not supported).",
                code: "invalid_messages")
        }
        return ChatMessage(role, message.content ?? "")
    }
}

/// The objects Bloom answers with, in Ollama's shapes.
enum OllamaWire {
    /// Which field carries text: `message` for `/api/chat`, `response` for `/api/generate`.
    enum Shape: Sendable {
        case chat
        case generate
    }

    /// One streamed line with a piece of the answer.
    static func piece(_ text: String, model: String, shape: Shape) -> [String: Any] {
        var object: [String: Any] = ["model": model, "created_at": ChatJSON.timestamp(Date()), "done": false]
        Self.setText(text, in: &object, shape: shape)
        return object
    }

    /// The last line (or the whole answer when not streaming): `done`, why, counts and
    /// nanosecond durations.
    ///
    /// `load_duration` is 0: the providers do not report model loads. Prompt and generation
    /// durations are the provider's when it reported them; otherwise the time to the first
    /// token and the time from the first to the last piece, as Bloom measured them.
    static func final(_ outcome: ChatOutcome, text: String, shape: Shape) -> [String: Any] {
        let summary = outcome.summary
        let promptNanoseconds =
            summary?.promptDuration.map(CompatJSON.nanoseconds)
            ?? CompatJSON.nanoseconds(milliseconds: outcome.timeToFirstTokenMilliseconds ?? 0)
        let evalNanoseconds =
            summary?.generationDuration.map(CompatJSON.nanoseconds)
            ?? CompatJSON.nanoseconds(milliseconds: outcome.streamingMilliseconds ?? 0)
        var object: [String: Any] = [
            "model": outcome.turn.modelUsed ?? "none",
            "created_at": ChatJSON.timestamp(outcome.finishedAt),
            "done": true,
            "done_reason": summary?.finishReason == "length" ? "length" : "stop",
            "total_duration": CompatJSON.nanoseconds(milliseconds: outcome.latencyMilliseconds),
            "load_duration": 0,
            "prompt_eval_count": outcome.promptTokens,
            "prompt_eval_duration": promptNanoseconds,
            "eval_count": outcome.completionTokens,
            "eval_duration": evalNanoseconds,
        ]
        Self.setText(text, in: &object, shape: shape)
        return object
    }

    private static func setText(_ text: String, in object: inout [String: Any], shape: Shape) {
        switch shape {
        case .chat: object["message"] = ["role": "assistant", "content": text]
        case .generate: object["response"] = text
        }
    }

    /// One model of `/api/tags` and `/api/ps`.
    static func model(_ model: CompatModel, modifiedAt: Date) -> [String: Any] {
        [
            "name": model.model.name, "model": model.model.name, "modified_at": ChatJSON.timestamp(modifiedAt),
            "size": model.size, "digest": model.digest, "details": model.ollamaDetails,
        ]
    }

    /// `{"error": "..."}`, Ollama's error object.
    static func error(_ error: HTTPError) -> [String: Any] { ["error": error.message] }
}
