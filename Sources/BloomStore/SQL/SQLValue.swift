import Foundation
import Glibc

/// A parameter bound to a statement, or a column read from a row.
///
/// Rows come back as `null`, `integer`, `real` or `text`: SQLite gives its storage classes,
/// Postgres gives text for everything (libpq's text format). The accessors on ``SQLRow``
/// read either, so the shared queries never ask which database answered.
enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// Bound as 0/1 in SQLite, `t`/`f` in Postgres.
    case bool(Bool)
    /// Bound as ``SQLTimestamp`` text: microsecond precision, UTC.
    case date(Date)

    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
}

/// One result row, read by column index in the order of the `SELECT` list.
struct SQLRow: Sendable {
    var values: [SQLValue]

    /// Reads a column that the schema declares `NOT NULL`; a null there is a broken invariant.
    func string(_ index: Int) throws(StoreError) -> String {
        guard let value = self.optionalString(index) else { throw Self.unexpected(self.values[index], index, "text") }
        return value
    }

    func optionalString(_ index: Int) -> String? {
        switch self.values[index] {
        case .text(let text): text
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .null, .bool, .date: nil
        }
    }

    func int(_ index: Int) throws(StoreError) -> Int {
        guard let value = self.optionalInt(index) else { throw Self.unexpected(self.values[index], index, "integer") }
        return value
    }

    func optionalInt(_ index: Int) -> Int? {
        switch self.values[index] {
        case .integer(let number): Int(number)
        case .real(let number): Int(number)
        // Postgres sends SUM() of integers as numeric, which has no fraction here.
        case .text(let text): Int(text) ?? Double(text).map { Int($0) }
        case .null, .bool, .date: nil
        }
    }

    func optionalDouble(_ index: Int) -> Double? {
        switch self.values[index] {
        case .integer(let number): Double(number)
        case .real(let number): number
        case .text(let text): Double(text)
        case .null, .bool, .date: nil
        }
    }

    func double(_ index: Int) throws(StoreError) -> Double {
        guard let value = self.optionalDouble(index) else { throw Self.unexpected(self.values[index], index, "number") }
        return value
    }

    func bool(_ index: Int) throws(StoreError) -> Bool {
        switch self.values[index] {
        case .integer(let number): return number != 0
        case .text("t"), .text("true"): return true
        case .text("f"), .text("false"): return false
        default: throw Self.unexpected(self.values[index], index, "boolean")
        }
    }

    func date(_ index: Int) throws(StoreError) -> Date {
        let text = try self.string(index)
        guard let date = SQLTimestamp.date(from: text) else {
            throw Self.unexpected(self.values[index], index, "timestamp")
        }
        return date
    }

    func uuid(_ index: Int) throws(StoreError) -> UUID {
        let text = try self.string(index)
        guard let id = UUID(uuidString: text) else { throw Self.unexpected(self.values[index], index, "UUID") }
        return id
    }

    private static func unexpected(_ value: SQLValue, _ index: Int, _ expected: String) -> StoreError {
        StoreError(.query, "column \(index) holds \(value), expected \(expected)")
    }
}

/// Times as the store writes them: `2026-05-01T09:30:00.250000Z`, UTC with microseconds.
///
/// Fixed-width text sorts in time order, so SQLite compares it with plain string comparison,
/// and Postgres parses it into `timestamptz`. Reading accepts Postgres's ISO output too
/// (`2026-05-01 09:30:00.25+00`). Both databases keep microseconds, so a `Date` comes back
/// rounded to the microsecond.
enum SQLTimestamp {
    static func text(from date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = time_t(microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000)
        let fraction = Int(microseconds - Int64(seconds) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }

    /// Parses `YYYY-MM-DD[T ]HH:MM:SS[.ffffff](Z|±HH[:MM])`.
    static func date(from text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }

        // Fraction: up to six digits after a dot.
        var index = 19
        var microseconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 6 { microseconds = microseconds * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in digits..<max(digits, 6) { microseconds *= 10 }
        }

        // Zone: Z, or an offset east of UTC (+HH, +HH:MM, +HHMM).
        var offsetSeconds = 0
        if index < bytes.count, bytes[index] != UInt8(ascii: "Z") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number(index + 1, 2) else { return nil }
            var minutes = 0
            let rest = index + 3
            if rest < bytes.count {
                minutes = number(rest + (bytes[rest] == UInt8(ascii: ":") ? 1 : 0), 2) ?? 0
            }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }

        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = Int64(timegm(&parts)) - Int64(offsetSeconds)
        return Date(timeIntervalSince1970: Double(seconds * 1_000_000 + Int64(microseconds)) / 1_000_000)
    }
}
