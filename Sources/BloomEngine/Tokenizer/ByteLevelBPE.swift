/// Byte-level BPE, llama.cpp's `llm_tokenizer_bpe_session`: split the text into words with the
/// pre-tokenizer, spell each word's bytes one symbol per byte, then repeatedly merge the adjacent
/// pair with the lowest merge rank (the leftmost pair on a tie) until no pair has a rank.
struct ByteLevelBPE: Sendable {
    let preTokenizer: PreTokenizer

    /// The token spelling each single byte; -1 when the vocabulary lacks it.
    private let byteTokens: [Int32]
    /// Merge rank and result for each pair of token ids, keyed by `pairKey`.
    private let merges: [UInt64: Merge]
    /// Words that are tokens as a whole, by their bytes; filled only when the pre-tokenizer
    /// ignores merges for such words (Llama 3).
    private let wholeWords: [[UInt8]: Int32]

    private struct Merge {
        var rank: Int32
        /// The merged token; -1 when the concatenation is not in the vocabulary.
        var result: Int32
    }

    /// A pair waiting in the merge queue, ordered as llama.cpp's `llm_bigram_bpe::comparator`.
    private struct Candidate: Comparable {
        var rank: Int32
        var left: Int32
        var right: Int32
        var leftToken: Int32
        var rightToken: Int32

        static func < (a: Candidate, b: Candidate) -> Bool {
            a.rank != b.rank ? a.rank < b.rank : a.left < b.left
        }
    }

    init(tokens: [String], idsByText: [String: Int32], merges: [String], preTokenizer: PreTokenizer) {
        self.preTokenizer = preTokenizer
        self.byteTokens = ByteLevelEncoding.scalarForByte.map { scalar in
            idsByText[String(Character(Unicode.Scalar(scalar)!))] ?? -1
        }

        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            // llama.cpp splits at the first space after the first byte, so a merge may start
            // with a space-like spelling but never with a literal space.
            let utf8 = merge.utf8
            guard let space = utf8.dropFirst().firstIndex(of: UInt8(ascii: " ")) else { continue }
            let left = String(merge[..<space])
            let right = String(merge[merge.index(after: space)...])
            guard let leftID = idsByText[left], let rightID = idsByText[right] else { continue }
            let key = Self.pairKey(leftID, rightID)
            if table[key] == nil {
                table[key] = Merge(rank: Int32(rank), result: idsByText[left + right] ?? -1)
            }
        }
        self.merges = table

        var wholeWords: [[UInt8]: Int32] = [:]
        if preTokenizer.ignoresMerges {
            for (id, text) in tokens.enumerated() {
                if let bytes = ByteLevelEncoding.bytes(spelledBy: text) {
                    wholeWords[bytes] = Int32(id)
                }
            }
        }
        self.wholeWords = wholeWords
    }

    private static func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Appends the tokens of one text fragment (valid UTF-8, no special tokens in it).
    func encode(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        let (scalars, offsets) = UTF8Scalars.decode(bytes)
        var scratch = Scratch()
        for word in self.preTokenizer.split(scalars) {
            let range = offsets[word.lowerBound]..<offsets[word.upperBound]
            self.encodeWord(UnsafeBufferPointer(rebasing: bytes[range]), &scratch, into: &output)
        }
    }

    /// Per-word working storage, kept across the words of one call to reuse its capacity.
    private struct Scratch {
        var tokens: [Int32] = []
        var previous: [Int32] = []
        var next: [Int32] = []
        var queue = BinaryHeap<Candidate>()
    }

    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch, into output: inout [Int32]) {
        if self.preTokenizer.ignoresMerges, let id = self.wholeWords[Array(word)] {
            output.append(id)
            return
        }
        let count = word.count
        scratch.tokens.removeAll(keepingCapacity: true)
        scratch.previous.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.queue.removeAll()
        for (index, byte) in word.enumerated() {
            scratch.tokens.append(self.byteTokens[Int(byte)])
            scratch.previous.append(Int32(index - 1))
            scratch.next.append(index + 1 < count ? Int32(index + 1) : -1)
        }
        for index in 1..<max(count, 1) {
            self.enqueue(Int32(index - 1), Int32(index), &scratch)
        }

        while let pair = scratch.queue.pop() {
            let left = Int(pair.left)
            let right = Int(pair.right)
            // Skip pairs made stale by an earlier merge of either side.
            guard scratch.next[left] == pair.right, scratch.tokens[left] == pair.leftToken,
                scratch.tokens[right] == pair.rightToken, scratch.previous[right] == pair.left
            else { continue }
            guard let merge = self.merges[Self.pairKey(pair.leftToken, pair.rightToken)] else { continue }

            scratch.tokens[left] = merge.result
            let after = scratch.next[right]
            scratch.next[left] = after
            if after >= 0 { scratch.previous[Int(after)] = pair.left }
            scratch.previous[right] = -2  // no longer in the chain
            scratch.next[right] = -2
            self.enqueue(scratch.previous[left], pair.left, &scratch)
            self.enqueue(pair.left, after, &scratch)
        }

        var index = count > 0 ? 0 : -1
        while index >= 0 {
            let end = scratch.next[index] >= 0 ? Int(scratch.next[index]) : count
            let token = scratch.tokens[index]
            if token >= 0 {
                output.append(token)
            } else {
                // Like llama.cpp, fall back to the single-byte tokens of the spelling; only
                // bytes spelled as themselves (ASCII `!`…`~`) have one.
                for byte in word[index..<end] where (0x21...0x7E).contains(byte) && self.byteTokens[Int(byte)] >= 0 {
                    output.append(self.byteTokens[Int(byte)])
                }
            }
            index = end < count ? end : -1
        }
    }

    private func enqueue(_ left: Int32, _ right: Int32, _ scratch: inout Scratch) {
        guard left >= 0, right >= 0 else { return }
        let leftToken = scratch.tokens[Int(left)]
        let rightToken = scratch.tokens[Int(right)]
        guard leftToken >= 0, rightToken >= 0, let merge = self.merges[Self.pairKey(leftToken, rightToken)] else {
            return
        }
        scratch.queue.push(
            Candidate(rank: merge.rank, left: left, right: right, leftToken: leftToken, rightToken: rightToken))
    }
}

/// Decoding of valid UTF-8 into scalar values, keeping each scalar's byte offset.
enum UTF8Scalars {
    /// The scalars of `bytes` and, for each, its starting offset; `offsets` has one more entry,
    /// the total length. Invalid sequences (which a `String` never holds) become U+FFFD.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> (scalars: [UInt32], offsets: [Int]) {
        var scalars: [UInt32] = []
        var offsets: [Int] = []
        scalars.reserveCapacity(bytes.count)
        offsets.reserveCapacity(bytes.count + 1)
        var position = 0
        while position < bytes.count {
            offsets.append(position)
            let lead = bytes[position]
            let length = Self.sequenceLength(lead: lead)
            guard length > 0, position + length <= bytes.count else {
                scalars.append(0xFFFD)
                position += 1
                continue
            }
            var value = length == 1 ? UInt32(lead) : UInt32(lead) & (0x7F >> UInt32(length))
            for index in 1..<max(length, 1) {
                value = value << 6 | UInt32(bytes[position + index] & 0x3F)
            }
            scalars.append(value)
            position += length
        }
        offsets.append(bytes.count)
        return (scalars, offsets)
    }

    /// Bytes in the sequence a lead byte starts; 0 for a continuation byte or an invalid lead.
    static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0..<0x80: 1
        case 0xC0..<0xE0: 2
        case 0xE0..<0xF0: 3
        case 0xF0..<0xF8: 4
        default: 0
        }
    }
}
