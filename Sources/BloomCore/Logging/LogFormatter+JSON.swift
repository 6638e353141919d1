/// JSON lines: one object per line, `{"ts":…,"level":…,"logger":…,"msg":…}` followed by the metadata.
///
/// Written by hand rather than with `JSONSerialization`, which would box every value and cost several
/// allocations per line. Strings are escaped per RFC 8259 §7; integers, doubles and booleans are written as
/// JSON numbers and booleans. JSON has no NaN or infinity, so those are written as the strings `"NaN"`,
/// `"+Inf"` and `"-Inf"`.
extension LogFormatter {
    static func appendJSON(_ record: LogRecord, to buffer: inout LogLineBuffer) {
        buffer.append("{\"ts\":\"")
        buffer.appendTimestamp(record.timestamp)
        buffer.append("\",\"level\":\"")
        buffer.append(record.level.rawValue)
        buffer.append("\",\"logger\":")
        self.appendJSONString(record.label, to: &buffer)
        buffer.append(",\"msg\":")
        self.appendJSONString(record.message, to: &buffer)

        for (key, value) in self.orderedMetadata(record.metadata) {
            buffer.append(byte: UInt8(ascii: ","))
            self.appendJSONString(key, to: &buffer)
            buffer.append(byte: UInt8(ascii: ":"))
            switch value {
            case .string(let text):
                self.appendJSONString(text, to: &buffer)
            case .integer(let number):
                buffer.append(String(number))
            case .double(let number) where number.isFinite:
                buffer.append(String(number))
            case .double(let number):
                self.appendJSONString(self.nonFiniteText(number), to: &buffer)
            case .bool(let flag):
                buffer.append(flag ? "true" : "false")
            }
        }
        buffer.append(byte: UInt8(ascii: "}"))
    }

    /// Writes `text` as a JSON string, escaped by ``JSONText``.
    private static func appendJSONString(_ text: String, to buffer: inout LogLineBuffer) {
        buffer.appendJSONQuoted(text)
    }
}
