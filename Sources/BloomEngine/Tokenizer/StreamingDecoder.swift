/// Turns generated tokens into text as they arrive, never splitting a character.
///
/// A byte-level token can end inside a multi-byte UTF-8 sequence (an emoji is often four byte
/// tokens); those bytes are held back until the sequence completes. Control tokens add no text.
package struct StreamingDecoder: Sendable {
    package let tokenizer: Tokenizer
    private var pending: [UInt8] = []

    package init(tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
    }

    /// The complete text the token adds; possibly empty while a character is incomplete.
    package mutating func append(_ token: Int32) -> String {
        self.pending.append(contentsOf: self.tokenizer.piece(token))
        let complete = Self.completePrefixLength(self.pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: self.pending[..<complete], as: UTF8.self)
        self.pending.removeFirst(complete)
        return text
    }

    /// Whatever is held back, with an incomplete sequence as U+FFFD; the decoder is then empty.
    package mutating func finish() -> String {
        defer { self.pending.removeAll() }
        return String(decoding: self.pending, as: UTF8.self)
    }

    /// The length of `bytes` without a trailing sequence that could still be completed. Invalid
    /// bytes elsewhere are passed on, to become U+FFFD.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        // Look back at most three bytes for the lead byte of an unfinished sequence.
        var index = bytes.count - 1
        var continuations = 0
        while index >= 0, continuations < 3, bytes[index] & 0xC0 == 0x80 {
            continuations += 1
            index -= 1
        }
        guard index >= 0 else { return bytes.count }
        let needed = UTF8Scalars.sequenceLength(lead: bytes[index])
        return needed > 1 && continuations + 1 < needed ? index : bytes.count
    }
}
