/// Which kind of server a model lives on.
public enum ProviderKind: String, Sendable, Equatable, CaseIterable {
    case ollama
    /// Any OpenAI-compatible server: llama-server, vLLM, LM Studio, LocalAI.
    case openAI = "openai"
    /// Bloom's own GGUF engine, in process; the model's one endpoint is the file's path.
    case embedded
}

/// One model of the catalogue: a name Bloom uses, and where and how to reach it.
public struct CatalogueModel: Sendable, Equatable {
    /// The name callers and task lists use (`mistral`).
    public var name: String
    public var provider: ProviderKind
    /// Base URLs of the servers that serve it (`http://gpu1:11434`, `http://host:8080/v1`);
    /// more than one spreads load and survives one server failing. An embedded model has one:
    /// the path of its GGUF file.
    public var endpoints: [String]
    /// The model's name on those servers (`mistral:7b-instruct`); defaults to ``name``.
    public var upstreamModel: String
    /// Tokens of context, when known; prompts that do not fit skip the model.
    public var contextWindow: Int?
    /// What it is good for (`chat`, `json`), for operators and the admin pages.
    public var capabilities: [String]
    /// Options applied unless a request sets them.
    public var defaultOptions: GenerationOptions
    /// Sent as a bearer token to OpenAI-compatible servers.
    public var apiKey: String?
    /// Generations one deployment runs at once; nil for the router's policy. Embedded models
    /// default to 1: the engine runs one generation at a time and uses every core for it.
    public var concurrency: Int?

    public init(
        name: String,
        provider: ProviderKind,
        endpoints: [String],
        upstreamModel: String? = nil,
        contextWindow: Int? = nil,
        capabilities: [String] = ["chat"],
        defaultOptions: GenerationOptions = GenerationOptions(),
        apiKey: String? = nil,
        concurrency: Int? = nil
    ) {
        self.name = name
        self.provider = provider
        self.endpoints = endpoints
        self.upstreamModel = upstreamModel ?? name
        self.contextWindow = contextWindow
        self.capabilities = capabilities
        self.defaultOptions = defaultOptions
        self.apiKey = apiKey
        self.concurrency = concurrency ?? (provider == .embedded ? 1 : nil)
    }
}
