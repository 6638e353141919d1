/// JSON string literals written by hand (RFC 8259 §7), for hot paths where `JSONEncoder` or
/// `JSONSerialization` would allocate far more than the text itself: error bodies, log lines,
/// health documents.
public enum JSONText {
    /// `text` as a quoted JSON string.
    public static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        Self.appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` as a quoted JSON string: `"` and `\` escaped, control characters as their
    /// short escapes where JSON has one and `\u00XX` otherwise, everything else unchanged.
    public static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [92, 110])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [92, 114])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [92, 116])
            case 0x08: bytes.append(contentsOf: [92, 98])
            case 0x0c: bytes.append(contentsOf: [92, 102])
            case 0..<0x20: Self.appendUnicodeEscape(byte, to: &bytes)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `\u00XX` for a control byte.
    public static func appendUnicodeEscape(_ byte: UInt8, to bytes: inout [UInt8]) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [92, 117, 48, 48, digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}
