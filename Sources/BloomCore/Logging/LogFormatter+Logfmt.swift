/// logfmt: `key=value` pairs separated by spaces, as read by Heroku's tooling, Loki and `hl`.
///
/// logfmt has no formal grammar; this follows the common reading (go-logfmt's): a value is quoted when it is
/// empty or contains a space, `=`, `"`, or a control character, and inside quotes `\`, `"` and control
/// characters are backslash-escaped. `msg` is always quoted so messages read alike whatever they contain.
extension LogFormatter {
    static func appendLogfmt(_ record: LogRecord, to buffer: inout LogLineBuffer) {
        buffer.append("ts=")
        buffer.appendTimestamp(record.timestamp)
        buffer.append(" level=")
        buffer.append(record.level.rawValue)
        buffer.append(" logger=")
        self.appendLogfmtValue(record.label, to: &buffer)
        buffer.append(" msg=")
        self.appendLogfmtQuoted(record.message, to: &buffer)

        for (key, value) in self.orderedMetadata(record.metadata) {
            buffer.append(byte: UInt8(ascii: " "))
            self.appendLogfmtKey(key, to: &buffer)
            buffer.append(byte: UInt8(ascii: "="))
            switch value {
            case .string(let text):
                self.appendLogfmtValue(text, to: &buffer)
            case .integer(let number):
                buffer.append(String(number))
            case .double(let number):
                buffer.append(number.isFinite ? String(number) : self.nonFiniteText(number))
            case .bool(let flag):
                buffer.append(flag ? "true" : "false")
            }
        }
    }

    /// Writes a key with every byte that would break the `key=value` syntax replaced by `_`.
    private static func appendLogfmtKey(_ key: String, to buffer: inout LogLineBuffer) {
        guard !key.isEmpty else {
            buffer.append(byte: UInt8(ascii: "_"))
            return
        }
        for byte in key.utf8 {
            buffer.append(byte: self.needsQuoting(byte) ? UInt8(ascii: "_") : byte)
        }
    }

    private static func appendLogfmtValue(_ text: String, to buffer: inout LogLineBuffer) {
        if text.isEmpty || text.utf8.contains(where: self.needsQuoting) {
            self.appendLogfmtQuoted(text, to: &buffer)
        } else {
            buffer.append(text)
        }
    }

    private static func appendLogfmtQuoted(_ text: String, to buffer: inout LogLineBuffer) {
        buffer.append(byte: UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append("\\\"")
            case UInt8(ascii: "\\"): buffer.append("\\\\")
            case UInt8(ascii: "\n"): buffer.append("\\n")
            case UInt8(ascii: "\r"): buffer.append("\\r")
            case UInt8(ascii: "\t"): buffer.append("\\t")
            case 0..<0x20, 0x7f: buffer.appendUnicodeEscape(byte)
            default: buffer.append(byte: byte)
            }
        }
        buffer.append(byte: UInt8(ascii: "\""))
    }

    /// Space, `=`, `"`, ASCII control characters and DEL; bytes of multi-byte UTF-8 characters pass as they are.
    private static func needsQuoting(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x7f || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"")
    }
}
