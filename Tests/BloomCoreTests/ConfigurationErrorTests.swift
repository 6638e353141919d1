import Testing

@testable import BloomCore

@Suite("ConfigurationError")
struct ConfigurationErrorTests {
    /// The error loading fails with, in a fresh directory holding `files`.
    private func loadError(
        files: [String: String] = [:],
        environment: [String: String] = [:],
        flags: [String: String] = [:]
    ) throws -> ConfigurationError {
        try withTemporaryDirectory { directory in
            for (name, text) in files {
                try writeFile(text, named: name, in: directory)
            }
            let loader = ConfigurationLoader(environment: environment, flags: flags, workingDirectory: directory)
            return try #require(throws: ConfigurationError.self) { try loader.load() }
        }
    }

    @Test("an invalid value names the variable, the value, the source and the expectation")
    func invalidValueMessage() throws {
        let error = try self.loadError(environment: ["BLOOM_PORT": "abc"])
        #expect(
            error.description == #"invalid BLOOM_PORT "abc" (from environment): expected an integer from 0 to 65535"#)
        #expect(error.code == .invalidValue)
        #expect(error.key == "BLOOM_PORT")
        #expect(error.source == .environment)
    }

    @Test(
        "every kind of value reports what it expected",
        arguments: [
            ("BLOOM_PORT", "70000", "an integer from 0 to 65535"),
            ("BLOOM_EVENT_LOOPS", "0", "an integer from 1 to 256"),
            ("BLOOM_MAX_CONNECTIONS", "many", "an integer from 1 to 1048576"),
            ("BLOOM_MAX_HEADER_BYTES", "512", "a size from 1024 to 1048576 bytes"),
            ("BLOOM_MAX_BODY_BYTES", "2x", "a size from 1 to 1073741824 bytes"),
            ("BLOOM_HEADER_TIMEOUT", "0", "a positive duration such as 250ms"),
            ("BLOOM_SSE_PING_INTERVAL", "soon", "a positive duration such as 250ms"),
            ("OLLAMA_TIMEOUT", "-3", "a positive duration such as 250ms"),
            ("OLLAMA_KEEP_ALIVE", "always", "a duration such as 10m"),
            ("LOG_LEVEL", "loud", "one of trace, debug, info, notice, warning, error, critical"),
            ("LOG_FORMAT", "xml", "one of logfmt, json"),
            ("BLOOM_HOST", "local host", "a host name or address without spaces"),
            ("BLOOM_DATA_DIR", " ", "a non-empty path"),
            ("CORS_ORIGINS", "https://a.com/app", #""https://a.com/app" is not one"#),
            ("OLLAMA_HOST", "ftp://ollama", "an http:// or https:// URL"),
            ("OLLAMA_MODEL", "two words", "a model name without spaces"),
            ("DATABASE_URL", "mysql://db/bloom", "a URL starting with sqlite:, postgres:// or postgresql://"),
            ("REDIS_URL", "memcached://cache", "a URL starting with redis:// or rediss://"),
        ]
    )
    func invalidValues(variable: String, value: String, expected: String) throws {
        let error = try self.loadError(environment: [variable: value])
        #expect(error.code == .invalidValue)
        #expect(error.key == variable)
        #expect(
            error.description.hasPrefix("invalid \(variable) \(value.debugDescription) (from environment): expected "))
        #expect(error.description.contains(expected))
    }

    @Test("the source is named for every layer")
    func sourceIsNamedForEveryLayer() throws {
        let fromFile = try self.loadError(files: ["bloom.json": #"{"port": "abc"}"#], flags: ["config": "bloom.json"])
        #expect(fromFile.description.contains(#"invalid BLOOM_PORT "abc" (from "port" in /"#))
        #expect(fromFile.description.contains(#"/bloom.json): expected"#))

        let fromDotEnv = try self.loadError(files: [".env": "BLOOM_PORT=abc"])
        #expect(fromDotEnv.description.contains(#"invalid BLOOM_PORT "abc" (from /"#))
        #expect(fromDotEnv.description.contains(#"/.env): expected"#))

        let fromFlag = try self.loadError(flags: ["port": "abc"])
        #expect(fromFlag.description.hasPrefix(#"invalid BLOOM_PORT "abc" (from flag --port): expected"#))
        #expect(fromFlag.source == .flag)
    }

    @Test("a bad value is reported even when a higher layer overrides it")
    func overriddenBadValueIsStillReported() throws {
        let error = try self.loadError(files: [".env": "BLOOM_PORT=abc"], environment: ["BLOOM_PORT": "80"])
        #expect(error.key == "BLOOM_PORT")
        #expect(error.description.contains("/.env)"))
    }

    @Test("a bloom.json value of the wrong shape is an invalid value")
    func wrongJSONShape() throws {
        let object = try self.loadError(files: ["b.json": #"{"port": {"n": 1}}"#], flags: ["config": "b.json"])
        #expect(object.description.contains(#"invalid BLOOM_PORT "{\"n\":1}""#))
        #expect(object.description.hasSuffix("expected a string or a number"))

        let mixedList = try self.loadError(
            files: ["b.json": #"{"cors_origins": ["https://a.com", 1]}"#], flags: ["config": "b.json"])
        #expect(mixedList.description.hasSuffix("expected an array of strings"))
    }

    @Test("an unknown bloom.json key is named with close matches")
    func unknownKey() throws {
        let error = try self.loadError(files: ["bloom.json": #"{"prot": 1}"#], flags: ["config": "bloom.json"])
        #expect(error.code == .unknownKey)
        #expect(error.key == "prot")
        #expect(error.description.hasPrefix(#"unknown key "prot" in /"#))
        #expect(error.description.contains(#"(did you mean "port"?)"#))

        let vague = try self.loadError(files: ["bloom.json": #"{"timeout": 1}"#], flags: ["config": "bloom.json"])
        #expect(vague.description.contains(#"did you mean "body_timeout", "idle_timeout" or "header_timeout"?"#))

        let unrelated = try self.loadError(files: ["bloom.json": #"{"zzzzzzzz": 1}"#], flags: ["config": "bloom.json"])
        #expect(!unrelated.description.contains("did you mean"))
    }

    @Test("environment names are not bloom.json keys")
    func environmentNameInFile() throws {
        let error = try self.loadError(files: ["bloom.json": #"{"BLOOM_PORT": 1}"#], flags: ["config": "bloom.json"])
        #expect(error.code == .unknownKey)
    }

    @Test("an unknown flag is named with close matches")
    func unknownFlag() throws {
        let error = try self.loadError(flags: ["prot": "1"])
        #expect(error.code == .unknownFlag)
        #expect(error.description.hasPrefix("unknown flag --prot (did you mean --port?)"))
    }

    @Test("an explicitly named config file that does not exist is an error naming where it was named")
    func missingConfigFile() throws {
        let fromFlag = try self.loadError(flags: ["config": "missing.json"])
        #expect(fromFlag.code == .missingFile)
        #expect(fromFlag.description.contains("/missing.json (BLOOM_CONFIG from flag --config) does not exist"))

        let fromEnvironment = try self.loadError(environment: ["BLOOM_CONFIG": "/no/such/bloom.json"])
        #expect(
            fromEnvironment.description.hasPrefix(
                "configuration file /no/such/bloom.json (BLOOM_CONFIG from environment) does not exist"))
    }

    @Test("a config path naming a directory is unreadable")
    func configPathIsDirectory() throws {
        let error = try self.loadError(files: ["conf/x": ""], flags: ["config": "conf"])
        #expect(error.code == .unreadableFile)
        #expect(error.description.contains("it is a directory"))
    }

    @Test("malformed JSON and a non-object top level are malformed files", arguments: [#"{"port": "#, "[1, 2]", ""])
    func malformedJSON(text: String) throws {
        let error = try self.loadError(files: ["bloom.json": text], flags: ["config": "bloom.json"])
        #expect(error.code == .malformedFile)
        #expect(error.description.hasPrefix("malformed /"))
        #expect(error.description.contains("bloom.json: "))
        #expect(error.description.hasSuffix(#"expected a JSON object of settings such as {"port": 8000}"#))
    }

    @Test("a JSON syntax error is located by line and column")
    func jsonSyntaxErrorLocation() throws {
        let text = "{\"port\": 1,\n \"host\": x}"
        let error = try self.loadError(files: ["bloom.json": text], flags: ["config": "bloom.json"])
        #expect(error.description.contains("it is not valid JSON (Invalid value around line 2, column 10.)"))
    }

    @Test(
        "passwords in URL settings never appear in errors",
        arguments: [
            ("DATABASE_URL", "mysql://admin:hunter2@db/bloom", "mysql://admin:***@db/bloom"),
            ("REDIS_URL", "http://:hunter2@cache:6379", "http://:***@cache:6379"),
            ("OLLAMA_HOST", "ftp://user:hunter2@ollama", "ftp://user:***@ollama"),
            ("DATABASE_URL", "admin:hunter2@db", "[redacted]"),
        ]
    )
    func passwordsAreRedacted(variable: String, value: String, shown: String) throws {
        let error = try self.loadError(environment: [variable: value])
        #expect(!error.description.contains("hunter2"))
        #expect(error.description.hasPrefix("invalid \(variable) \(shown.debugDescription) (from environment)"))
    }

    @Test("passwords in URL settings from bloom.json never appear in errors")
    func passwordsFromFileAreRedacted() throws {
        let json = #"{"redis_url": "redis:/:hunter2@cache"}"#
        let error = try self.loadError(files: ["bloom.json": json], flags: ["config": "bloom.json"])
        #expect(!error.description.contains("hunter2"))
    }
}
