/// SentencePiece BPE as llama.cpp runs it for `llama` vocabularies (`llm_tokenizer_spm_session`):
/// spaces become `▁`, the text is split into UTF-8 characters, and the adjacent pair whose
/// concatenation is the highest-scoring token is merged (the leftmost on a tie) until no pair
/// forms a token. A character that is not a token is emitted as its `<0xNN>` byte tokens.
struct SentencePieceBPE: Sendable {
    private let idsByBytes: [[UInt8]: Int32]
    private let scores: [Float]
    /// The `<0xNN>` token for each byte, or the byte's own one-character token; -1 when neither.
    private let byteTokens: [Int32]
    private let unknown: Int32?

    /// A pair in the merge queue, ordered as llama.cpp's `llm_bigram_spm::comparator`: the
    /// highest score pops first, then the leftmost.
    private struct Candidate: Comparable {
        var score: Float
        var left: Int32
        var right: Int32
        var byteCount: Int32

        static func < (a: Candidate, b: Candidate) -> Bool {
            a.score != b.score ? a.score > b.score : a.left < b.left
        }
    }

    private struct Symbol {
        var start: Int
        var count: Int
        var previous: Int
        var next: Int
    }

    init(tokens: [String], scores: [Float], unknown: Int32?) {
        var ids: [[UInt8]: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, text) in tokens.enumerated() {
            ids[Array(text.utf8)] = Int32(id)  // a duplicate text maps to its last id, as in llama.cpp
        }
        self.idsByBytes = ids
        self.scores = scores.isEmpty ? [Float](repeating: 0, count: tokens.count) : scores
        self.unknown = unknown
        self.byteTokens = (0..<256).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            let name = "<0x" + (byte < 16 ? "0" : "") + hex + ">"
            return ids[Array(name.utf8)] ?? ids[[UInt8(byte)]] ?? -1
        }
    }

    /// Appends the tokens of one fragment, already prefixed with a space where wanted.
    func encode(_ text: [UInt8], into output: inout [Int32]) {
        // Spaces are spelled `▁` (U+2581) in the vocabulary.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count + text.count / 2)
        for byte in text {
            if byte == 0x20 {
                bytes.append(contentsOf: [0xE2, 0x96, 0x81])
            } else {
                bytes.append(byte)
            }
        }

        var symbols: [Symbol] = []
        var offset = 0
        while offset < bytes.count {
            let length = min(max(UTF8Scalars.sequenceLength(lead: bytes[offset]), 1), bytes.count - offset)
            let index = symbols.count
            symbols.append(Symbol(start: offset, count: length, previous: index - 1, next: -1))
            offset += length
            if offset < bytes.count { symbols[index].next = index + 1 }
        }

        var queue = BinaryHeap<Candidate>()
        for index in symbols.indices.dropFirst() {
            self.enqueue(index - 1, index, symbols, bytes, &queue)
        }
        while let pair = queue.pop() {
            let left = Int(pair.left)
            let right = Int(pair.right)
            guard symbols[left].count > 0, symbols[right].count > 0,
                symbols[left].count + symbols[right].count == Int(pair.byteCount)
            else { continue }
            symbols[left].count += symbols[right].count
            symbols[right].count = 0
            symbols[left].next = symbols[right].next
            if symbols[right].next >= 0 { symbols[symbols[right].next].previous = left }
            self.enqueue(symbols[left].previous, left, symbols, bytes, &queue)
            self.enqueue(left, symbols[left].next, symbols, bytes, &queue)
        }

        var index = symbols.isEmpty ? -1 : 0
        while index >= 0 {
            let symbol = symbols[index]
            let piece = Array(bytes[symbol.start..<symbol.start + symbol.count])
            if let id = self.idsByBytes[piece] {
                output.append(id)
            } else {
                for byte in piece {
                    let token = self.byteTokens[Int(byte)]
                    if token >= 0 {
                        output.append(token)
                    } else if let unknown = self.unknown {
                        output.append(unknown)
                    }
                }
            }
            index = symbol.next
        }
    }

    private func enqueue(
        _ left: Int,
        _ right: Int,
        _ symbols: [Symbol],
        _ bytes: [UInt8],
        _ queue: inout BinaryHeap<Candidate>
    ) {
        guard left >= 0, right >= 0 else { return }
        let start = symbols[left].start
        let count = symbols[left].count + symbols[right].count
        guard let id = self.idsByBytes[Array(bytes[start..<start + count])] else { return }
        queue.push(
            Candidate(score: self.scores[Int(id)], left: Int32(left), right: Int32(right), byteCount: Int32(count)))
    }
}
