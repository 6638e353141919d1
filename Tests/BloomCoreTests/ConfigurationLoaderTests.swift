import Foundation
import Testing

@testable import BloomCore

@Suite("ConfigurationLoader")
struct ConfigurationLoaderTests {
    /// The layers above the built-in defaults, lowest first.
    enum Layer: Int, CaseIterable, Sendable {
        case file = 1
        case dotenv
        case environment
        case flag
    }

    /// Loads in a fresh directory holding `files`.
    private func load(
        files: [String: String] = [:],
        environment: [String: String] = [:],
        flags: [String: String] = [:]
    ) throws -> Configuration {
        try withTemporaryDirectory { directory in
            for (name, text) in files {
                try writeFile(text, named: name, in: directory)
            }
            return try ConfigurationLoader(environment: environment, flags: flags, workingDirectory: directory).load()
        }
    }

    /// Files, environment and flags for one load.
    private typealias Inputs = (files: [String: String], environment: [String: String], flags: [String: String])

    /// Inputs that set `BLOOM_PORT` to `8000 + n` in each layer `n` from 1 up to `top`.
    private func portInputs(upTo top: Int) -> Inputs {
        var files: [String: String] = [:]
        var environment: [String: String] = [:]
        var flags: [String: String] = [:]
        if top >= Layer.file.rawValue {
            files["bloom.json"] = #"{"port": 8001}"#
            environment["BLOOM_CONFIG"] = "bloom.json"
        }
        if top >= Layer.dotenv.rawValue {
            files[".env"] = "BLOOM_PORT=8002\n"
        }
        if top >= Layer.environment.rawValue {
            environment["BLOOM_PORT"] = "8003"
        }
        if top >= Layer.flag.rawValue {
            flags["port"] = "8004"
        }
        return (files, environment, flags)
    }

    /// The rank of `source` in precedence order, matching ``Layer``'s raw values; 0 for the default.
    private func layer(of source: ConfigurationSource) -> Int {
        switch source {
        case .default: 0
        case .file: Layer.file.rawValue
        case .dotenv: Layer.dotenv.rawValue
        case .environment: Layer.environment.rawValue
        case .flag: Layer.flag.rawValue
        }
    }

    @Test("with nothing set, every field keeps its default and no source is recorded")
    func defaultsAlone() throws {
        let configuration = try self.load()
        var expected = Configuration()
        expected.eventLoops = configuration.eventLoops
        #expect(configuration == expected)
        #expect(configuration.sources.isEmpty)
        #expect(configuration.source(of: "BLOOM_PORT") == .default)
        #expect(configuration.effectiveDatabaseURL == "sqlite:./data/bloom.db")
    }

    @Test("each layer overrides the one below it", arguments: 0...4)
    func layersOverrideInOrder(top: Int) throws {
        let inputs = self.portInputs(upTo: top)
        let configuration = try self.load(files: inputs.files, environment: inputs.environment, flags: inputs.flags)

        #expect(configuration.port == 8000 + top)
        #expect(self.layer(of: configuration.source(of: "BLOOM_PORT")) == top)
    }

    @Test("each layer alone sets a value", arguments: Layer.allCases)
    func eachLayerAlone(layer: Layer) throws {
        let configuration: Configuration
        switch layer {
        case .file:
            configuration = try self.load(
                files: ["conf/bloom.json": #"{"log_level": "debug"}"#], flags: ["config": "conf/bloom.json"])
        case .dotenv:
            configuration = try self.load(files: [".env": "LOG_LEVEL=debug"])
        case .environment:
            configuration = try self.load(environment: ["LOG_LEVEL": "debug"])
        case .flag:
            configuration = try self.load(flags: ["log-level": "debug"])
        }
        #expect(configuration.logLevel == .debug)
        #expect(self.layer(of: configuration.source(of: "LOG_LEVEL")) == layer.rawValue)
    }

    @Test("every setting is read from its environment variable")
    func everySettingFromTheEnvironment() throws {
        let environment = [
            "BLOOM_HOST": "0.0.0.0", "BLOOM_PORT": "0", "BLOOM_PUBLIC_DIR": "/srv/public",
            "CORS_ORIGINS": "https://a.com,http://b.org:81", "BLOOM_EVENT_LOOPS": "3", "LOG_LEVEL": "warn",
            "LOG_FORMAT": "json", "OLLAMA_HOST": "ollama:11434", "OLLAMA_MODEL": "qwen2.5:0.5b",
            "OLLAMA_KEEP_ALIVE": "-1", "OLLAMA_TIMEOUT": "90", "BLOOM_DATA_DIR": "/var/lib/bloom",
            "DATABASE_URL": "postgres://bloom@db/bloom", "REDIS_URL": "redis://cache:6379",
            "BLOOM_MAX_HEADER_BYTES": "32k", "BLOOM_MAX_BODY_BYTES": "2mb", "BLOOM_MAX_CONNECTIONS": "500",
            "BLOOM_HEADER_TIMEOUT": "5s", "BLOOM_BODY_TIMEOUT": "1m", "BLOOM_IDLE_TIMEOUT": "2m",
            "BLOOM_SHUTDOWN_TIMEOUT": "250ms", "BLOOM_SSE_PING_INTERVAL": "1.5",
            "UNRELATED": "ignored",
        ]
        let configuration = try self.load(environment: environment)

        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 0)
        #expect(configuration.publicDirectory == "/srv/public")
        #expect(configuration.corsOrigins == ["https://a.com", "http://b.org:81"])
        #expect(configuration.eventLoops == 3)
        #expect(configuration.logLevel == .warning)
        #expect(configuration.logFormat == .json)
        #expect(configuration.ollamaHost == "http://ollama:11434")
        #expect(configuration.ollamaModel == "qwen2.5:0.5b")
        #expect(configuration.ollamaKeepAlive == .forever)
        #expect(configuration.ollamaTimeout == .seconds(90))
        #expect(configuration.dataDirectory == "/var/lib/bloom")
        #expect(configuration.databaseURL == "postgres://bloom@db/bloom")
        #expect(configuration.effectiveDatabaseURL == "postgres://bloom@db/bloom")
        #expect(configuration.redisURL == "redis://cache:6379")
        #expect(configuration.maxHeaderBytes == 32_768)
        #expect(configuration.maxBodyBytes == 2_097_152)
        #expect(configuration.maxConnections == 500)
        #expect(configuration.headerTimeout == .seconds(5))
        #expect(configuration.bodyTimeout == .seconds(60))
        #expect(configuration.idleTimeout == .seconds(120))
        #expect(configuration.shutdownTimeout == .milliseconds(250))
        #expect(configuration.ssePingInterval == .milliseconds(1500))
        #expect(configuration.sources.count == environment.count - 1)
    }

    @Test("bloom.json takes numbers, strings, string arrays and null")
    func fileValueShapes() throws {
        let json = """
            {"port": 9000, "host": "0.0.0.0", "cors_origins": ["https://a.com", "https://b.com"],
             "ollama_timeout": 2.5, "ollama_model": null, "max_body_bytes": "4m"}
            """
        let configuration = try self.load(files: ["bloom.json": json], environment: ["BLOOM_CONFIG": "bloom.json"])
        #expect(configuration.port == 9000)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.corsOrigins == ["https://a.com", "https://b.com"])
        #expect(configuration.ollamaTimeout == .milliseconds(2500))
        #expect(configuration.ollamaModel == nil)
        #expect(configuration.source(of: "OLLAMA_MODEL") == .default)
        #expect(configuration.maxBodyBytes == 4_194_304)
    }

    @Test("CORS origins in bloom.json may also be one comma-separated string")
    func fileOriginsAsString() throws {
        let json = #"{"cors_origins": "https://a.com, https://b.com"}"#
        let configuration = try self.load(files: ["b.json": json], flags: ["config": "b.json"])
        #expect(configuration.corsOrigins == ["https://a.com", "https://b.com"])
    }

    @Test("models, tasks and agency sections pass through as raw JSON")
    func extraSectionsPassThrough() throws {
        let json = #"{"port": 1, "models": {"b": [1, 2], "a": {"x": "y/z"}}, "tasks": [], "agency": null}"#
        let configuration = try self.load(files: ["bloom.json": json], flags: ["config": "bloom.json"])

        #expect(configuration.extraSections.keys.sorted() == ["agency", "models", "tasks"])
        #expect(
            String(decoding: try #require(configuration.extraSections["models"]), as: UTF8.self)
                == #"{"a":{"x":"y/z"},"b":[1,2]}"#)
        let models = try JSONSerialization.jsonObject(with: try #require(configuration.extraSections["models"]))
        #expect((models as? [String: Any])?["b"] as? [Int] == [1, 2])
    }

    @Test("the file named by the config flag beats BLOOM_CONFIG, which beats .env")
    func configFileLocationPrecedence() throws {
        let files = [
            "flag.json": #"{"port": 1}"#, "env.json": #"{"port": 2}"#, "dotenv.json": #"{"port": 3}"#,
            ".env": "BLOOM_CONFIG=dotenv.json\n",
        ]
        #expect(
            try self.load(files: files, environment: ["BLOOM_CONFIG": "env.json"], flags: ["config": "flag.json"]).port
                == 1)
        #expect(try self.load(files: files, environment: ["BLOOM_CONFIG": "env.json"]).port == 2)
        let fromDotEnv = try self.load(files: files)
        #expect(fromDotEnv.port == 3)
        #expect(fromDotEnv.configFile?.hasSuffix("/dotenv.json") == true)
    }

    @Test("a bloom.json nobody names is not read")
    func unnamedFileIsIgnored() throws {
        let configuration = try self.load(files: ["bloom.json": #"{"port": 1}"#])
        #expect(configuration.port == 8000)
        #expect(configuration.configFile == nil)
    }

    @Test("relative config paths resolve against the working directory and absolute ones do not")
    func configPathResolution() throws {
        try withTemporaryDirectory { directory in
            try writeFile(#"{"port": 7}"#, named: "etc/bloom.json", in: directory)
            let relative = ConfigurationLoader(
                environment: [:], flags: ["config": "./etc/../etc/bloom.json"], workingDirectory: directory)
            #expect(try relative.load().configFile == "\(directory)/etc/bloom.json")

            let absolute = ConfigurationLoader(
                environment: [:], flags: ["config": "\(directory)/etc/bloom.json"], workingDirectory: "/nowhere")
            #expect(try absolute.load().port == 7)
        }
    }

    @Test("an empty value clears an optional setting set by a lower layer")
    func emptyValueClearsOptional() throws {
        let configuration = try self.load(files: [".env": "OLLAMA_MODEL=qwen\n"], environment: ["OLLAMA_MODEL": ""])
        #expect(configuration.ollamaModel == nil)
        #expect(configuration.source(of: "OLLAMA_MODEL") == .environment)
    }

    @Test(".env keys no setting uses are ignored")
    func unknownDotEnvKeysAreIgnored() throws {
        let configuration = try self.load(files: [".env": "COMPOSE_PROJECT_NAME=bloom\nBLOOM_PORT=81\n"])
        #expect(configuration.port == 81)
    }

    @Test("the loader for the current process reads its working directory")
    func currentProcessLoader() {
        let loader = ConfigurationLoader.forCurrentProcess(flags: ["port": "1"])
        #expect(loader.workingDirectory == FileManager.default.currentDirectoryPath)
        #expect(loader.flags == ["port": "1"])
    }
}
