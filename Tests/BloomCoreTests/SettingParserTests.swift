import Testing

@testable import BloomCore

@Suite("SettingParser")
struct SettingParserTests {
    @Test(
        "durations parse from units or plain seconds",
        arguments: [
            ("250ms", Duration.milliseconds(250)), ("10s", .seconds(10)), ("2m", .seconds(120)),
            ("1h", .seconds(3600)), ("90", .seconds(90)), ("1.5", .milliseconds(1500)),
            ("0.3s", .milliseconds(300)), (".5s", .milliseconds(500)), ("1h30m", .seconds(5400)),
            ("1.5h", .seconds(5400)), ("100us", .microseconds(100)), ("100µs", .microseconds(100)),
            ("7ns", .nanoseconds(7)), (" 5s ", .seconds(5)),
        ]
    )
    func durationsParse(text: String, duration: Duration) throws {
        #expect(try SettingParser.positiveDuration(text) == duration)
    }

    @Test(
        "durations that are empty, zero, negative or malformed are rejected",
        arguments: ["", "0", "0s", "-5s", "ten", "10x", "s", "1.2.3", "5 s", "10S", "1e3", "99999999999h"]
    )
    func badDurationsAreRejected(text: String) {
        #expect(throws: InvalidSettingValue.self) { try SettingParser.positiveDuration(text) }
    }

    @Test(
        "keep-alive follows Ollama: durations, 0 unloads at once, negative keeps forever",
        arguments: [
            ("10m", ModelKeepAlive.duration(.seconds(600))), ("1h", .duration(.seconds(3600))),
            ("30s", .duration(.seconds(30))), ("300", .duration(.seconds(300))), ("0", .duration(.zero)),
            ("-1", .forever), ("-1m", .forever),
        ]
    )
    func keepAliveParses(text: String, keepAlive: ModelKeepAlive) throws {
        #expect(try SettingParser.keepAlive(text) == keepAlive)
    }

    @Test("keep-alive rejects words", arguments: ["forever", "", "10 minutes"])
    func badKeepAliveIsRejected(text: String) {
        #expect(throws: InvalidSettingValue.self) { try SettingParser.keepAlive(text) }
    }

    @Test(
        "keep-alive prints in Ollama's duration syntax",
        arguments: [
            (ModelKeepAlive.duration(.seconds(600)), "600s"), (.duration(.milliseconds(250)), "250ms"),
            (.forever, "forever"),
        ]
    )
    func keepAliveDescription(keepAlive: ModelKeepAlive, text: String) {
        #expect(keepAlive.description == text)
    }

    @Test(
        "sizes parse as bytes or with binary suffixes",
        arguments: [
            ("1", 1), ("1048576", 1_048_576), ("512k", 524_288), ("512K", 524_288), ("1m", 1_048_576),
            ("2mb", 2_097_152), ("2MiB", 2_097_152), ("1g", 1_073_741_824), ("16kb", 16_384), ("100b", 100),
            (" 1m ", 1_048_576),
        ]
    )
    func sizesParse(text: String, bytes: Int) throws {
        #expect(try SettingParser.byteCount(in: 1...1_073_741_824)(text) == bytes)
    }

    @Test(
        "sizes that are malformed or out of range are rejected",
        arguments: ["", "0", "-1", "1.5m", "2t", "k", "2g", "1 m", "99999999999999999999g"]
    )
    func badSizesAreRejected(text: String) {
        #expect(throws: InvalidSettingValue.self) { try SettingParser.byteCount(in: 1...1_073_741_824)(text) }
    }

    @Test(
        "CORS origins accept a star or scheme, host and port, normalised to lower case",
        arguments: [
            ("*", ["*"]),
            ("", []),
            ("https://example.com", ["https://example.com"]),
            ("http://localhost:3000", ["http://localhost:3000"]),
            ("HTTPS://App.Example.COM:8443", ["https://app.example.com:8443"]),
            ("http://[::1]:8080", ["http://[::1]:8080"]),
            ("http://127.0.0.1", ["http://127.0.0.1"]),
            (" https://a.com , http://b.org:81 ,, ", ["https://a.com", "http://b.org:81"]),
        ]
    )
    func originsParse(text: String, origins: [String]) throws {
        #expect(try SettingParser.origins(text) == origins)
    }

    @Test(
        "CORS origins with a path, another scheme or a bad port are rejected, naming the bad origin",
        arguments: [
            "example.com", "https://a.com/", "https://a.com/path", "ftp://a.com", "https://a.com:99999",
            "https://a.com:", "https://", "https://a.com?x=1", "https://user@a.com", "https://a b.com",
            "https://a.com, nope",
        ]
    )
    func badOriginsAreRejected(text: String) throws {
        let error = try #require(throws: InvalidSettingValue.self) { try SettingParser.origins(text) }
        #expect(error.expected.contains("is not one"))
    }

    @Test(
        "OLLAMA_HOST accepts URLs and bare host:port as Ollama does",
        arguments: [
            ("localhost:11434", "http://localhost:11434"),
            ("0.0.0.0", "http://0.0.0.0:11434"),
            ("ollama.internal:8080", "http://ollama.internal:8080"),
            ("http://ollama:11434/", "http://ollama:11434"),
            ("https://ollama.example.com", "https://ollama.example.com"),
            ("https://gateway.example.com/ollama/", "https://gateway.example.com/ollama"),
            ("HTTP://Ollama:11434", "http://Ollama:11434"),
        ]
    )
    func ollamaHostParses(text: String, url: String) throws {
        #expect(try SettingParser.ollamaHost(text) == url)
    }

    @Test("OLLAMA_HOST rejects other schemes and empty hosts", arguments: ["ftp://x", "http://", "", "http://x?y=1"])
    func badOllamaHostIsRejected(text: String) {
        #expect(throws: InvalidSettingValue.self) { try SettingParser.ollamaHost(text) }
    }

    @Test(
        "database and Redis URLs must use their schemes",
        arguments: [
            ("sqlite:./data/bloom.db", true), ("postgres://u:p@h/db", true), ("PostgreSQL://h/db", true),
            ("mysql://h/db", false), ("sqlite:", false), ("postgres:/h", false), ("", false),
        ]
    )
    func databaseURLSchemes(text: String, valid: Bool) {
        #expect(((try? SettingParser.databaseURL(text)) != nil) == valid)
    }

    @Test(
        "Redis URLs must be redis:// or rediss://",
        arguments: [("redis://cache:6379", true), ("rediss://:p@cache", true), ("http://cache", false)]
    )
    func redisURLSchemes(text: String, valid: Bool) {
        #expect(((try? SettingParser.redisURL(text)) != nil) == valid)
    }

    @Test("an optional setting treats blank text as unset")
    func optionalBlankIsNil() throws {
        let parse = SettingParser.optional(SettingParser.modelName)
        #expect(try parse("  ") == nil)
        #expect(try parse("llama3.2:3b") == "llama3.2:3b")
    }
}
