import Testing

@testable import BloomCore

@Suite("Redaction")
struct RedactionTests {
    @Test(
        "keys naming secrets are redacted, whatever their case or separators",
        arguments: [
            "authorization", "Authorization", "proxy-authorization", "password", "DB_PASSWORD", "passwd",
            "client_secret", "secretKey", "token", "access_token", "refreshToken", "X-Auth-Token", "api_key",
            "X-Api-Key", "apikey", "openai.apiKey", "cookie", "set-cookie", "Set-Cookie", "session",
            "session.id", "sessionID", "dsn", "SENTRY_DSN",
        ]
    )
    func secretKeysAreRedacted(key: String) {
        #expect(Redaction.isSecret(key: key))
        #expect(Redaction.redact(key: key, value: "hunter2") == .string("[redacted]"))
        #expect(Redaction.redact(key: key, value: 1234) == .string("[redacted]"))
        #expect(Redaction.redact(key: key, value: true) == .string("[redacted]"))
    }

    @Test(
        "ordinary keys, including token counts, are left alone",
        arguments: ["request.id", "model", "address", "status", "prompt_tokens", "tokens.generated", "tokenizer"]
    )
    func ordinaryKeysAreKept(key: String) {
        #expect(!Redaction.isSecret(key: key))
        #expect(Redaction.redact(key: key, value: "visible") == .string("visible"))
        #expect(Redaction.redact(key: key, value: 12) == .integer(12))
    }

    @Test(
        "URL passwords are masked and everything else is kept",
        arguments: [
            ("postgres://bloom:hunter2@db:5432/bloom", "postgres://bloom:***@db:5432/bloom"),
            ("postgresql://bloom:hunter2@db/bloom?sslmode=require", "postgresql://bloom:***@db/bloom?sslmode=require"),
            ("redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"),
            ("rediss://default:s3cret@cache", "rediss://default:***@cache"),
            ("postgres://bloom:p@ss@db/bloom", "postgres://bloom:***@db/bloom"),
            ("https://user@example.com", "https://user@example.com"),
            ("https://example.com/a:b@c", "https://example.com/a:b@c"),
            ("http://host/path?query=a:b@c", "http://host/path?query=a:b@c"),
            ("sqlite:./data/bloom.db", "sqlite:./data/bloom.db"),
            ("no url here", "no url here"),
            ("", ""),
            (
                "primary postgres://a:one@h1/db, replica postgres://b:two@h2/db",
                "primary postgres://a:***@h1/db, replica postgres://b:***@h2/db"
            ),
        ]
    )
    func urlCredentialsAreMasked(text: String, expected: String) {
        #expect(Redaction.redactCredentials(inURL: text) == expected)
    }

    @Test("URL values under ordinary keys are masked too")
    func urlValuesUnderOrdinaryKeys() {
        let value = Redaction.redact(key: "upstream", value: "redis://:s3cret@cache:6379")
        #expect(value == .string("redis://:***@cache:6379"))
    }

    @Test("a whole metadata dictionary is redacted pair by pair")
    func wholeMetadata() {
        let metadata: LogMetadata = ["model": "qwen", "token": "abc", "url": "postgres://u:p@h/db", "count": 2]
        #expect(
            Redaction.redact(metadata) == [
                "model": "qwen", "token": "[redacted]", "url": "postgres://u:***@h/db", "count": 2,
            ]
        )
    }
}
