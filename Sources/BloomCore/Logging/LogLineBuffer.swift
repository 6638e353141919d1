import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The UTF-8 bytes of one log line under construction.
///
/// Formatters append straight into bytes so a line costs one array and no intermediate strings, and a
/// ``StreamLogSink`` can hand the bytes to `write(2)` without converting back.
struct LogLineBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        self.bytes.reserveCapacity(capacity)
    }

    mutating func append(_ text: some StringProtocol) {
        self.bytes.append(contentsOf: text.utf8)
    }

    mutating func append(byte: UInt8) {
        self.bytes.append(byte)
    }

    /// Appends `value` in decimal, left-padded with zeros to at least `width` digits.
    mutating func append(decimal value: Int, width: Int) {
        let digits = String(value)
        for _ in digits.utf8.count..<max(width, digits.utf8.count) {
            self.bytes.append(UInt8(ascii: "0"))
        }
        self.append(digits)
    }

    /// Appends `byte` as `\u00XX`, the escape JSON requires for control characters and logfmt borrows.
    mutating func appendUnicodeEscape(_ byte: UInt8) {
        JSONText.appendUnicodeEscape(byte, to: &self.bytes)
    }

    /// Appends `text` as a quoted JSON string.
    mutating func appendJSONQuoted(_ text: String) {
        JSONText.appendQuoted(text, to: &self.bytes)
    }

    /// Appends `date` as RFC 3339 UTC with milliseconds, such as `2026-12-03T14:00:00.123Z`.
    ///
    /// Formatted by hand with `gmtime_r` because a `DateFormatter` or `ISO8601FormatStyle` per line costs more
    /// than the rest of the line, and a shared formatter would need its own lock. Milliseconds are truncated,
    /// not rounded, so a line never appears to come from a later millisecond than it did; the time is first
    /// rounded to the microsecond so that `Double` noise (…122.9999 for …123) does not lose a millisecond.
    mutating func appendTimestamp(_ date: Date) {
        let interval = date.timeIntervalSince1970 * 1_000_000
        let microseconds = interval.isFinite && abs(interval) < 1e17 ? Int64(interval.rounded()) : 0
        var (seconds, remainder) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        if remainder < 0 {
            seconds -= 1
            remainder += 1_000_000
        }
        let milliseconds = remainder / 1000

        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)

        self.append(decimal: Int(parts.tm_year) + 1900, width: 4)
        self.append(byte: UInt8(ascii: "-"))
        self.append(decimal: Int(parts.tm_mon) + 1, width: 2)
        self.append(byte: UInt8(ascii: "-"))
        self.append(decimal: Int(parts.tm_mday), width: 2)
        self.append(byte: UInt8(ascii: "T"))
        self.append(decimal: Int(parts.tm_hour), width: 2)
        self.append(byte: UInt8(ascii: ":"))
        self.append(decimal: Int(parts.tm_min), width: 2)
        self.append(byte: UInt8(ascii: ":"))
        self.append(decimal: Int(parts.tm_sec), width: 2)
        self.append(byte: UInt8(ascii: "."))
        self.append(decimal: Int(milliseconds), width: 3)
        self.append(byte: UInt8(ascii: "Z"))
    }
}
