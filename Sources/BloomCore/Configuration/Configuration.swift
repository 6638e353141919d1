public import Foundation

/// Everything Bloom reads at start-up, merged from defaults, bloom.json, `.env`, the environment and flags.
///
/// This type only holds the result. Each field's environment variable, bloom.json key, flag, default, help
/// and validation live in one table, ``settings``; ``ConfigurationLoader`` reads the layers by that table.
/// The defaults written on the fields below are the built-in layer, and a test checks that they match the
/// table's default column.
public struct Configuration: Sendable, Equatable {
    // MARK: - Server

    /// The bloom.json that was read, as a resolved path, or `nil` when none was given.
    public var configFile: String?
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The TCP port to listen on; `0` asks the kernel for any free port, which tests use.
    public var port = 8000
    /// Static files served at `/`. Relative paths are kept as given and resolve against the process's
    /// working directory when used.
    public var publicDirectory = "./Public"
    /// Origins allowed by CORS: `*`, or normalised `scheme://host[:port]` origins. Empty turns CORS off.
    public var corsOrigins: [String] = []
    /// Bearer keys the OpenAI-compatible API (`/v1/*`) requires; empty leaves it open.
    public var apiKeys: [String] = []
    /// Threads serving connections; defaults to the active processor count, clamped to 1…256.
    public var eventLoops = Configuration.processorCount

    // MARK: - Logging

    public var logLevel = LogLevel.info
    public var logFormat = LogFormat.logfmt

    // MARK: - Models

    /// The Ollama server as a normalised `http(s)://host:port` URL, or `nil` when Bloom has no Ollama.
    public var ollamaHost: String?
    /// The Ollama model to use when a request names none.
    public var ollamaModel: String?
    public var ollamaKeepAlive = ModelKeepAlive.duration(.seconds(600))
    /// How long to wait for one Ollama response before giving up.
    public var ollamaTimeout = Duration.seconds(300)
    /// Whether to warm every chat model at start-up.
    public var warmup = false
    /// Whether the catalogue gets the embedded SmolLM2 model as the last chat fallback.
    public var embedded = true
    /// The system prompt every chat conversation starts with.
    public var systemPrompt = Configuration.defaultSystemPrompt
    /// What the chat answers, marked `fallback: true`, when no model can.
    public var fallbackMessage = Configuration.defaultFallbackMessage

    // MARK: - Storage

    /// Where Bloom keeps its state. Relative paths resolve against the process's working directory.
    public var dataDirectory = "./data"
    /// `sqlite:`, `postgres://` or `postgresql://`; `nil` means SQLite in ``dataDirectory``, see
    /// ``effectiveDatabaseURL``. May carry a password: show it only through ``Redaction``.
    public var databaseURL: String?
    /// `redis://` or `rediss://`, or `nil` for no Redis. May carry a password: show it only through ``Redaction``.
    public var redisURL: String?

    // MARK: - Limits and timeouts

    public var maxHeaderBytes = 16_384
    public var maxBodyBytes = 1_048_576
    public var maxConnections = 10_000
    /// Time allowed to receive a request's head, against slow-header attacks.
    public var headerTimeout = Duration.seconds(10)
    /// Time allowed to receive a request's body once its head has arrived.
    public var bodyTimeout = Duration.seconds(30)
    /// How long a keep-alive connection may sit between requests.
    public var idleTimeout = Duration.seconds(75)
    /// How long shutdown waits for requests in flight before closing their connections.
    public var shutdownTimeout = Duration.seconds(10)
    /// How often an idle server-sent-events stream gets a comment line, so proxies keep it open.
    public var ssePingInterval = Duration.seconds(15)

    // MARK: - Provenance and pass-through

    /// Top-level bloom.json sections that later features own (`models`, `tasks`, `agency`), as JSON with
    /// sorted keys, unvalidated; decode them with `JSONDecoder` into the feature's own types.
    public var extraSections: [String: Data] = [:]
    /// The layer each value came from, keyed by environment variable name; settings left at their default
    /// are absent. Use ``source(of:)`` to read it.
    public var sources: [String: ConfigurationSource] = [:]

    /// The built-in defaults, before any layer is read.
    public init() {}

    /// ``databaseURL``, or SQLite at `<dataDirectory>/bloom.db` when it is not set.
    public var effectiveDatabaseURL: String {
        self.databaseURL ?? "sqlite:\(self.dataDirectory)/bloom.db"
    }

    /// Where the setting named by `environmentName` came from; ``ConfigurationSource/default`` when no layer
    /// set it.
    public func source(of environmentName: String) -> ConfigurationSource {
        self.sources[environmentName] ?? .default
    }

    public static let defaultSystemPrompt =
        "You are the assistant on PixelCraft's website. Answer visitors briefly, kindly and truthfully."
    public static let defaultFallbackMessage =
        "Sorry, our assistant cannot answer right now. Please try again in a few minutes, or leave us a message."

    /// The active processor count clamped to the range `BLOOM_EVENT_LOOPS` accepts.
    static var processorCount: Int {
        min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 256)
    }
}
