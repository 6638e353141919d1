/// Turns a ``LogRecord`` into one line of logfmt or JSON.
///
/// Kept apart from ``StreamLogSink`` so the formats are tested without a file descriptor. Both formats write
/// the fixed fields first (`ts`, `level`, `logger`, `msg`) and then the metadata sorted by key, so lines
/// from the same call site line up and diff cleanly.
public enum LogFormatter {
    /// Field names every line starts with. A metadata key equal to one of them is written as `_<key>` so it
    /// can neither hide the real field nor produce a JSON object with a duplicate key.
    static let reservedKeys: Set<String> = ["ts", "level", "logger", "msg"]

    /// The record as one line in `format`, without a trailing newline.
    public static func format(_ record: LogRecord, as format: LogFormat) -> String {
        String(decoding: self.line(for: record, as: format, terminated: false), as: UTF8.self)
    }

    /// The record as UTF-8 bytes, with a trailing `\n` when `terminated` is true.
    static func line(for record: LogRecord, as format: LogFormat, terminated: Bool) -> [UInt8] {
        var buffer = LogLineBuffer(capacity: 128 + record.message.utf8.count + record.metadata.count * 32)
        switch format {
        case .logfmt:
            self.appendLogfmt(record, to: &buffer)
        case .json:
            self.appendJSON(record, to: &buffer)
        }
        if terminated {
            buffer.append(byte: UInt8(ascii: "\n"))
        }
        return buffer.bytes
    }

    /// Metadata in the order it is written: sorted by key, reserved names prefixed with `_`.
    static func orderedMetadata(_ metadata: LogMetadata) -> [(key: String, value: LogValue)] {
        metadata
            .map { key, value in (key: self.reservedKeys.contains(key) ? "_\(key)" : key, value: value) }
            .sorted { $0.key < $1.key }
    }

    /// The text written for a non-finite double, which neither format has a number syntax for.
    static func nonFiniteText(_ number: Double) -> String {
        number.isNaN ? "NaN" : (number < 0 ? "-Inf" : "+Inf")
    }
}
