import Foundation
import Testing

@testable import BloomCore

@Suite("LogFormatter, JSON lines")
struct JSONLinesFormatTests {
    /// The line for `record` parsed back with Foundation's parser, which must accept it.
    private func parsed(_ record: LogRecord) throws -> [String: Any] {
        let line = LogFormatter.format(record, as: .json)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any])
    }

    @Test("a line is one JSON object with the fixed fields first")
    func wholeLine() {
        let record = makeRecord(metadata: ["address": "127.0.0.1:8000", "event_loops": 2])
        #expect(
            LogFormatter.format(record, as: .json)
                == #"{"ts":"2026-12-03T14:00:00.123Z","level":"info","logger":"bloom.http","msg":"listening","#
                + #""address":"127.0.0.1:8000","event_loops":2}"#
        )
    }

    @Test("lines parse back with JSONSerialization and keep their value types")
    func linesParseBackWithTypes() throws {
        let record = makeRecord(
            level: .warning,
            metadata: ["count": 3, "ratio": 0.5, "ok": true, "name": "qwen", "big": 1e300, "negative": -7]
        )
        let object = try self.parsed(record)

        #expect(object["ts"] as? String == "2026-12-03T14:00:00.123Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["logger"] as? String == "bloom.http")
        #expect(object["msg"] as? String == "listening")
        #expect(object["count"] as? Int == 3)
        #expect(object["negative"] as? Int == -7)
        #expect(object["ratio"] as? Double == 0.5)
        #expect(object["big"] as? Double == 1e300)
        #expect(object["ok"] as? Bool == true)
        #expect(object["name"] as? String == "qwen")

        let line = LogFormatter.format(record, as: .json)
        #expect(line.contains(#""count":3"#))
        #expect(line.contains(#""ok":true"#))
        #expect(line.contains(#""ratio":0.5"#))
    }

    @Test(
        "strings survive a round trip whatever they contain",
        arguments: [
            #"quote " and backslash \"#, "newline\nreturn\rtab\t", "controls \u{00}\u{01}\u{08}\u{0c}\u{1f}",
            "del \u{7f}", "unicode ünï 日本 🌸", "slash / stays", "",
        ]
    )
    func stringsRoundTrip(text: String) throws {
        let object = try self.parsed(makeRecord(label: text, message: text, metadata: ["value": .string(text)]))
        #expect(object["msg"] as? String == text)
        #expect(object["logger"] as? String == text)
        #expect(object["value"] as? String == text)
    }

    @Test("keys are escaped like strings")
    func keysAreEscaped() throws {
        let object = try self.parsed(makeRecord(metadata: ["we\"ird\nkey": 1]))
        #expect(object["we\"ird\nkey"] as? Int == 1)
    }

    @Test("non-finite doubles become strings, since JSON has no number for them")
    func nonFiniteDoubles() throws {
        let object = try self.parsed(makeRecord(metadata: ["a": .double(.nan), "b": .double(.infinity)]))
        #expect(object["a"] as? String == "NaN")
        #expect(object["b"] as? String == "+Inf")
    }

    @Test("metadata named like a fixed field cannot produce a duplicate key")
    func reservedKeysArePrefixed() throws {
        let object = try self.parsed(makeRecord(metadata: ["msg": "shadow", "ts": 1]))
        #expect(object["msg"] as? String == "listening")
        #expect(object["_msg"] as? String == "shadow")
        #expect(object["_ts"] as? Int == 1)
    }
}
