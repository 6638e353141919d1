import Foundation
import Testing

@testable import BloomCore

@Suite("LogFormatter, logfmt")
struct LogfmtFormatTests {
    /// The text written for `value` under the key `k`.
    private func rendered(_ value: LogValue) -> String {
        let line = LogFormatter.format(makeRecord(metadata: ["k": value]), as: .logfmt)
        return String(line[line.range(of: " k=")!.upperBound...])
    }

    @Test("a line has the fixed fields, then metadata sorted by key")
    func wholeLine() {
        let record = makeRecord(metadata: ["address": "127.0.0.1:8000", "event_loops": 2])
        #expect(
            LogFormatter.format(record, as: .logfmt)
                == #"ts=2026-12-03T14:00:00.123Z level=info logger=bloom.http msg="listening" "#
                + "address=127.0.0.1:8000 event_loops=2"
        )
    }

    @Test(
        "string values are quoted only when needed and escaped inside quotes",
        arguments: [
            ("plain", "plain"),
            ("127.0.0.1:8000", "127.0.0.1:8000"),
            ("", #""""#),
            ("two words", #""two words""#),
            ("a=b", #""a=b""#),
            (#"say "hi""#, #""say \"hi\"""#),
            ("line\nbreak", #""line\nbreak""#),
            ("tab\there", #""tab\there""#),
            ("cr\rhere", #""cr\rhere""#),
            ("bell\u{07}", #""bell\u0007""#),
            ("del\u{7f}", #""del\u007f""#),
            (#"back\slash"#, #"back\slash"#),
            (#"both \ and space"#, #""both \\ and space""#),
            ("ünïcödé→✓", "ünïcödé→✓"),
        ]
    )
    func stringQuoting(value: String, expected: String) {
        #expect(self.rendered(.string(value)) == expected)
    }

    @Test(
        "numbers and booleans are written bare",
        arguments: [
            (LogValue.integer(-42), "-42"), (.double(0.25), "0.25"), (.bool(true), "true"), (.bool(false), "false"),
            (.double(.infinity), "+Inf"), (.double(-.infinity), "-Inf"), (.double(.nan), "NaN"),
        ]
    )
    func typedValues(value: LogValue, expected: String) {
        #expect(self.rendered(value) == expected)
    }

    @Test("the message is always quoted and escaped")
    func messageIsQuoted() {
        let line = LogFormatter.format(makeRecord(message: "model \"x\"\nloaded"), as: .logfmt)
        #expect(line.hasSuffix(#"msg="model \"x\"\nloaded""#))
    }

    @Test("keys that would break the syntax have the offending bytes replaced")
    func keysAreSanitised() {
        let line = LogFormatter.format(makeRecord(metadata: ["bad key=\"x\"": 1, "": 2]), as: .logfmt)
        #expect(line.hasSuffix(#"msg="listening" _=2 bad_key__x_=1"#))
    }

    @Test("metadata named like a fixed field is written with an underscore prefix")
    func reservedKeysArePrefixed() {
        let line = LogFormatter.format(makeRecord(metadata: ["msg": "shadow", "level": 3]), as: .logfmt)
        #expect(line.hasSuffix(#"msg="listening" _level=3 _msg=shadow"#))
        #expect(line.hasPrefix("ts=2026-12-03T14:00:00.123Z level=info "))
    }

    @Test(
        "timestamps are UTC with milliseconds, truncated",
        arguments: [
            (0.0, "1970-01-01T00:00:00.000Z"),
            (951_782_400.5, "2000-02-29T00:00:00.500Z"),
            (-0.001, "1969-12-31T23:59:59.999Z"),
            (1_796_306_400.123, "2026-12-03T14:00:00.123Z"),
            (1_796_306_400.1239, "2026-12-03T14:00:00.123Z"),
            (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
        ]
    )
    func timestamps(secondsSince1970: Double, expected: String) {
        var buffer = LogLineBuffer(capacity: 32)
        buffer.appendTimestamp(Date(timeIntervalSince1970: secondsSince1970))
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == expected)
    }

    @Test("timestamps agree with Foundation's ISO 8601 formatter")
    func timestampsAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        for step in 0..<500 {
            let date = Date(timeIntervalSince1970: Double(step) * 7_654_321.125 - 1_000_000_000)
            var buffer = LogLineBuffer(capacity: 32)
            buffer.appendTimestamp(date)
            #expect(String(decoding: buffer.bytes, as: UTF8.self) == formatter.string(from: date))
        }
    }
}
