/// GPT-2's reversible mapping between bytes and printable Unicode scalars.
///
/// Byte-level BPE vocabularies spell every byte as a visible character: the printable bytes
/// `!`…`~`, `¡`…`¬` and `®`…`ÿ` stand for themselves, and the other 68 bytes (controls, space,
/// DEL, NBSP, soft hyphen) take U+0100 onwards in byte order. Space is therefore `Ġ` (U+0120)
/// and newline `Ċ` (U+010A).
enum ByteLevelEncoding {
    /// The scalar each byte is spelled as.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if isPrintable(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte each spelling scalar (all below U+0144) stands for; -1 for other scalars.
    static let byteForScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (byte, scalar) in scalarForByte.enumerated() {
            table[Int(scalar)] = Int16(byte)
        }
        return table
    }()

    private static func isPrintable(_ byte: Int) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }

    /// A token's text spelled back as bytes, or `nil` when it contains a scalar outside the
    /// mapping (llama.cpp then prints an `[UNK_BYTE_…]` marker; we keep the text as it is).
    static func bytes(spelledBy text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = Int(scalar.value)
            guard value < byteForScalar.count, byteForScalar[value] >= 0 else { return nil }
            bytes.append(UInt8(byteForScalar[value]))
        }
        return bytes
    }
}
