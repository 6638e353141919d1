/// One message of a conversation, as every provider understands it.
public struct ChatMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }

    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// Sampling and output options carried through to the provider; nil means the model's default.
public struct GenerationOptions: Sendable, Equatable {
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var minP: Double?
    public var repeatPenalty: Double?
    public var seed: Int?
    public var stop: [String] = []
    public var maxTokens: Int?
    public var contextSize: Int?
    /// Ask for a JSON answer (Ollama `format: "json"`, OpenAI `response_format`).
    public var jsonOutput = false

    public init() {}
}

/// A chat generation request to one upstream model.
public struct ChatRequest: Sendable, Equatable {
    /// The model's name on the provider (`mistral:latest`), not Bloom's catalogue name.
    public var model: String
    public var messages: [ChatMessage]
    public var options: GenerationOptions
    /// How long the provider should keep the model loaded afterwards; nil for its default.
    public var keepAlive: String?

    public init(
        model: String, messages: [ChatMessage], options: GenerationOptions = GenerationOptions(),
        keepAlive: String? = nil
    ) {
        self.model = model
        self.messages = messages
        self.options = options
        self.keepAlive = keepAlive
    }
}
