/// The settings table: one row per setting, in the order help output and `.env.example` list them.
///
/// Each row reads left to right as: field, environment variable, bloom.json key, flag, group, default, help,
/// and the parser that validates the text. Durations accept `250ms`, `10s`, `2m`, `1h` or plain seconds;
/// byte sizes accept plain bytes or a `k`, `m` or `g` suffix (powers of 1024).
extension Configuration {
    public static let settings: [ConfigurationSetting] = [
        // MARK: - Server

        Self.configFileSetting,
        ConfigurationSetting(
            \.host, environment: "BLOOM_HOST", json: "host", flag: "host", group: .server,
            default: .value("127.0.0.1"),
            help: "Address to listen on; 0.0.0.0 listens on every interface.",
            parse: SettingParser.host
        ),
        ConfigurationSetting(
            \.port, environment: "BLOOM_PORT", json: "port", flag: "port", group: .server,
            default: .value("8000"),
            help: "TCP port to listen on; 0 picks any free port.",
            parse: SettingParser.integer(in: 0...65_535)
        ),
        ConfigurationSetting(
            \.publicDirectory, environment: "BLOOM_PUBLIC_DIR", json: "public_dir", flag: "public-dir",
            group: .server, default: .value("./Public"),
            help: "Directory of static files served at /.",
            parse: SettingParser.path
        ),
        ConfigurationSetting(
            \.corsOrigins, environment: "CORS_ORIGINS", json: "cors_origins", flag: nil, group: .server,
            default: .unset("none"),
            help: "Comma-separated origins allowed by CORS, such as https://app.example.com, or *; empty is off.",
            acceptsList: true,
            parse: SettingParser.origins
        ),
        ConfigurationSetting(
            \.apiKeys, environment: "BLOOM_API_KEYS", json: "api_keys", flag: nil, group: .server,
            default: .unset("none"),
            help: "Comma-separated bearer keys that /v1/* requires; empty leaves the OpenAI-compatible API open.",
            acceptsList: true,
            parse: SettingParser.keys
        ),
        ConfigurationSetting(
            \.eventLoops, environment: "BLOOM_EVENT_LOOPS", json: "event_loops", flag: nil, group: .server,
            default: .computed("number of active processors"),
            help: "Threads serving connections, 1 to 256.",
            parse: SettingParser.integer(in: 1...256)
        ),

        // MARK: - Logging

        ConfigurationSetting(
            \.logLevel, environment: "LOG_LEVEL", json: "log_level", flag: "log-level", group: .logging,
            default: .value("info"),
            help: "Lowest level written: trace, debug, info, notice, warning, error or critical.",
            parse: SettingParser.logLevel
        ),
        ConfigurationSetting(
            \.logFormat, environment: "LOG_FORMAT", json: "log_format", flag: "log-format", group: .logging,
            default: .value("logfmt"),
            help: "Log line format: logfmt for terminals, json for log shippers.",
            parse: SettingParser.logFormat
        ),

        // MARK: - Models

        ConfigurationSetting(
            \.ollamaHost, environment: "OLLAMA_HOST", json: "ollama_host", flag: nil, group: .models,
            default: .unset("unset"),
            help: "Ollama server URL; a bare host:port gets http:// and a bare host gets port 11434.",
            carriesCredentials: true,
            parse: SettingParser.optional(SettingParser.ollamaHost)
        ),
        ConfigurationSetting(
            \.ollamaModel, environment: "OLLAMA_MODEL", json: "ollama_model", flag: nil, group: .models,
            default: .unset("unset"),
            help: "Ollama model used when a request names none, such as llama3.2:3b.",
            parse: SettingParser.optional(SettingParser.modelName)
        ),
        ConfigurationSetting(
            \.ollamaKeepAlive, environment: "OLLAMA_KEEP_ALIVE", json: "ollama_keep_alive", flag: nil,
            group: .models, default: .value("10m"),
            help: "How long a model stays loaded after a request; 0 unloads at once, a negative value never.",
            parse: SettingParser.keepAlive
        ),
        ConfigurationSetting(
            \.ollamaTimeout, environment: "OLLAMA_TIMEOUT", json: "ollama_timeout", flag: nil, group: .models,
            default: .value("5m"),
            help: "How long to wait for one Ollama response.",
            parse: SettingParser.positiveDuration
        ),
        ConfigurationSetting(
            \.warmup, environment: "BLOOM_WARMUP", json: "warmup", flag: nil, group: .models,
            default: .value("off"),
            help: "Load every chat model at start-up (one-token request), so no visitor waits for a cold load.",
            parse: SettingParser.flag
        ),
        ConfigurationSetting(
            \.embedded, environment: "BLOOM_EMBEDDED", json: "embedded", flag: nil, group: .models,
            default: .value("on"),
            help: "Add the embedded SmolLM2 model (data_dir/models) as the last chat model; off leaves it out.",
            parse: SettingParser.flag
        ),
        ConfigurationSetting(
            \.systemPrompt, environment: "BLOOM_SYSTEM_PROMPT", json: "system_prompt", flag: nil, group: .models,
            default: .value(Configuration.defaultSystemPrompt),
            help: "System prompt sent first in every chat conversation.",
            parse: SettingParser.text
        ),
        ConfigurationSetting(
            \.fallbackMessage, environment: "BLOOM_FALLBACK_MESSAGE", json: "fallback_message", flag: nil,
            group: .models, default: .value(Configuration.defaultFallbackMessage),
            help: "Chat answer, marked fallback, when every model fails before its first token.",
            parse: SettingParser.text
        ),

        // MARK: - Storage

        ConfigurationSetting(
            \.dataDirectory, environment: "BLOOM_DATA_DIR", json: "data_dir", flag: "data-dir", group: .storage,
            default: .value("./data"),
            help: "Directory where Bloom keeps its state.",
            parse: SettingParser.path
        ),
        ConfigurationSetting(
            \.databaseURL, environment: "DATABASE_URL", json: "database_url", flag: nil, group: .storage,
            default: .unset("sqlite:<data_dir>/bloom.db"),
            help: "Database URL starting with sqlite:, postgres:// or postgresql://.",
            carriesCredentials: true,
            parse: SettingParser.optional(SettingParser.databaseURL)
        ),
        ConfigurationSetting(
            \.redisURL, environment: "REDIS_URL", json: "redis_url", flag: nil, group: .storage,
            default: .unset("unset"),
            help: "Redis URL starting with redis:// or rediss://; unset runs without Redis.",
            carriesCredentials: true,
            parse: SettingParser.optional(SettingParser.redisURL)
        ),

        // MARK: - Limits and timeouts

        ConfigurationSetting(
            \.maxHeaderBytes, environment: "BLOOM_MAX_HEADER_BYTES", json: "max_header_bytes", flag: nil,
            group: .limits, default: .value("16k"),
            help: "Largest request head accepted, 1k to 1m.",
            parse: SettingParser.byteCount(in: 1024...1_048_576)
        ),
        ConfigurationSetting(
            \.maxBodyBytes, environment: "BLOOM_MAX_BODY_BYTES", json: "max_body_bytes", flag: nil,
            group: .limits, default: .value("1m"),
            help: "Largest request body accepted, 1 byte to 1g.",
            parse: SettingParser.byteCount(in: 1...1_073_741_824)
        ),
        ConfigurationSetting(
            \.maxConnections, environment: "BLOOM_MAX_CONNECTIONS", json: "max_connections", flag: nil,
            group: .limits, default: .value("10000"),
            help: "Open connections allowed at once.",
            parse: SettingParser.integer(in: 1...1_048_576)
        ),
        ConfigurationSetting(
            \.headerTimeout, environment: "BLOOM_HEADER_TIMEOUT", json: "header_timeout", flag: nil,
            group: .limits, default: .value("10s"),
            help: "Time allowed to receive a request head.",
            parse: SettingParser.positiveDuration
        ),
        ConfigurationSetting(
            \.bodyTimeout, environment: "BLOOM_BODY_TIMEOUT", json: "body_timeout", flag: nil, group: .limits,
            default: .value("30s"),
            help: "Time allowed to receive a request body.",
            parse: SettingParser.positiveDuration
        ),
        ConfigurationSetting(
            \.idleTimeout, environment: "BLOOM_IDLE_TIMEOUT", json: "idle_timeout", flag: nil, group: .limits,
            default: .value("75s"),
            help: "How long a keep-alive connection may wait for its next request.",
            parse: SettingParser.positiveDuration
        ),
        ConfigurationSetting(
            \.shutdownTimeout, environment: "BLOOM_SHUTDOWN_TIMEOUT", json: "shutdown_timeout", flag: nil,
            group: .limits, default: .value("10s"),
            help: "How long shutdown waits for requests in flight.",
            parse: SettingParser.positiveDuration
        ),
        ConfigurationSetting(
            \.ssePingInterval, environment: "BLOOM_SSE_PING_INTERVAL", json: "sse_ping_interval", flag: nil,
            group: .limits, default: .value("15s"),
            help: "Interval between keep-alive comments on idle event streams.",
            parse: SettingParser.positiveDuration
        ),
    ]

    /// The row naming the bloom.json file. The loader reads it before the file (flag, then environment, then
    /// `.env`) to find the file; it has no bloom.json key because a file cannot name itself.
    static let configFileSetting = ConfigurationSetting(
        \.configFile, environment: "BLOOM_CONFIG", json: nil, flag: "config", group: .server,
        default: .unset("none"),
        help: "Path of a bloom.json settings file, relative to the working directory.",
        parse: SettingParser.optional(SettingParser.path)
    )
}
