import Testing

@testable import BloomEngine

/// Small hand-made vocabularies, so these tests need no model file.
enum TinyVocabulary {
    /// The byte-level spelling of `text` (`Ġ` for space).
    static func spelled(_ text: String) -> String {
        String(String.UnicodeScalarView(text.utf8.map { Unicode.Scalar(ByteLevelEncoding.scalarForByte[Int($0)])! }))
    }

    /// Every byte as a token (ids 0–255), then merged words, then two control tokens.
    static func bytePair(merges: [(String, String)], pre: String = "gpt-2") -> TokenizerVocabulary {
        var tokens = (0..<256).map { String(Unicode.Scalar(ByteLevelEncoding.scalarForByte[$0])!) }
        for (left, right) in merges where !tokens.contains(spelled(left + right)) {
            tokens.append(spelled(left + right))
        }
        tokens += ["<|im_start|>", "<|im_end|>", "<|im_start|><|im_end|>"]
        var kinds = [TokenKind](repeating: .normal, count: tokens.count)
        for index in tokens.count - 3..<tokens.count { kinds[index] = .control }
        return TokenizerVocabulary(
            model: .bytePairEncoding,
            preTokenizer: pre,
            tokens: tokens,
            kinds: kinds,
            merges: merges.map { spelled($0.0) + " " + spelled($0.1) },
            eos: Int32(tokens.count - 2)
        )
    }

    /// `<unk>`, `<s>`, `</s>` and the 256 byte tokens `<0x00>`…`<0xFF>`, as SentencePiece files
    /// with byte fallback begin.
    static func sentencePiecePrelude() -> (tokens: [String], kinds: [TokenKind]) {
        var tokens = ["<unk>", "<s>", "</s>"]
        var kinds: [TokenKind] = [.unknown, .control, .control]
        for byte in 0..<256 {
            let hex = String(byte, radix: 16, uppercase: true)
            tokens.append("<0x" + (byte < 16 ? "0" : "") + hex + ">")
            kinds.append(.byte)
        }
        return (tokens, kinds)
    }

    /// The prelude, then scored pieces.
    static func sentencePiece(_ pieces: [(String, Float)]) -> TokenizerVocabulary {
        var (tokens, kinds) = Self.sentencePiecePrelude()
        var scores = [Float](repeating: 0, count: tokens.count)
        for (piece, score) in pieces {
            tokens.append(piece)
            kinds.append(.normal)
            scores.append(score)
        }
        return TokenizerVocabulary(model: .sentencePiece, tokens: tokens, kinds: kinds, scores: scores)
    }
}

@Suite("Byte-level BPE")
struct ByteLevelBPETests {
    static let merges = [
        ("h", "e"), ("l", "l"), ("ll", "o"), ("he", "llo"), (" ", "w"), ("o", "r"), (" w", "or"), ("l", "d"),
        (" wor", "ld"),
    ]

    @Test("merges by rank until no ranked pair is left")
    func mergesWords() throws {
        let tokenizer = try Tokenizer(vocabulary: TinyVocabulary.bytePair(merges: Self.merges))
        let ids = tokenizer.encode("hello world", addSpecial: false)
        #expect(ids.map { tokenizer.text($0) } == ["hello", "Ġworld"])
        #expect(tokenizer.decode(ids) == "hello world")
    }

    @Test("equal ranks merge the leftmost pair first")
    func leftmostFirst() throws {
        let tokenizer = try Tokenizer(vocabulary: TinyVocabulary.bytePair(merges: Self.merges))
        let ids = tokenizer.encode("lll", addSpecial: false)
        #expect(ids.map { tokenizer.text($0) } == ["ll", "l"])
    }

    @Test("a lower-ranked merge waits for a higher one")
    func rankOrder() throws {
        // "ab" outranks "bc", so "abc" becomes "ab" + "c", never "a" + "bc".
        let vocabulary = TinyVocabulary.bytePair(merges: [("a", "b"), ("b", "c")])
        let tokenizer = try Tokenizer(vocabulary: vocabulary)
        #expect(tokenizer.encode("abc", addSpecial: false).map { tokenizer.text($0) } == ["ab", "c"])
        let reversed = try Tokenizer(vocabulary: TinyVocabulary.bytePair(merges: [("b", "c"), ("a", "b")]))
        #expect(reversed.encode("abc", addSpecial: false).map { reversed.text($0) } == ["a", "bc"])
    }

    @Test("bytes outside ASCII are spelled and decoded through the GPT-2 byte mapping")
    func multiByte() throws {
        let tokenizer = try Tokenizer(vocabulary: TinyVocabulary.bytePair(merges: []))
        let ids = tokenizer.encode("é\n", addSpecial: false)
        #expect(ids == [0xC3, 0xA9, 0x0A])
        #expect(tokenizer.text(0x0A) == "Ċ")
        #expect(tokenizer.piece(0x20) == [0x20])
        #expect(tokenizer.decode(ids) == "é\n")
    }
}

@Suite("Special tokens")
struct SpecialTokenTests {
    @Test("control tokens in the text become their ids, longest first")
    func parsesSpecial() throws {
        let tokenizer = try Tokenizer(vocabulary: TinyVocabulary.bytePair(merges: []))
        let start = try #require(tokenizer.token(forText: "<|im_start|>"))
        let end = try #require(tokenizer.token(forText: "<|im_end|>"))
        let both = try #require(tokenizer.token(forText: "<|im_start|><|im_end|>"))
        #expect(tokenizer.encode("<|im_start|>hi<|im_end|>", addSpecial: false) == [start, 0x68, 0x69, end])
        #expect(tokenizer.encode("<|im_start|><|im_end|>", addSpecial: false) == [both])
        #expect(tokenizer.encode("<|im_start|><|im_start|>", addSpecial: false) == [start, start])
    }

    @Test("without parseSpecial the markup is ordinary text")
    func plainText() throws {
        let tokenizer = try Tokenizer(vocabulary: TinyVocabulary.bytePair(merges: []))
        let ids = tokenizer.encode("<|im_end|>", addSpecial: false, parseSpecial: false)
        #expect(ids.count == "<|im_end|>".utf8.count)
        #expect(!ids.contains { tokenizer.isControl($0) })
    }

    @Test("control tokens decode to text only when asked, and end generation when named so")
    func controlTokens() throws {
        let tokenizer = try Tokenizer(vocabulary: TinyVocabulary.bytePair(merges: []))
        let end = try #require(tokenizer.token(forText: "<|im_end|>"))
        #expect(tokenizer.isControl(end))
        #expect(tokenizer.piece(end).isEmpty)
        #expect(tokenizer.piece(end, special: true) == Array("<|im_end|>".utf8))
        #expect(tokenizer.decode([0x61, end]) == "a")
        #expect(tokenizer.endOfGenerationTokens == [end])
    }
}

@Suite("SentencePiece BPE")
struct SentencePieceTests {
    static let vocabulary = TinyVocabulary.sentencePiece([
        ("▁", -1), ("h", -2), ("i", -2), ("e", -2), ("l", -2), ("o", -2), ("▁h", -3), ("▁hi", -1.5), ("he", -4),
        ("ll", -3), ("llo", -2.5), ("▁he", -3.5), ("▁hello", -1),
    ])

    @Test("adds BOS and a leading space, then merges the best-scoring pairs")
    func encodes() throws {
        let tokenizer = try Tokenizer(vocabulary: Self.vocabulary)
        let ids = tokenizer.encode("hello hi")
        #expect(ids.map { tokenizer.text($0) } == ["<s>", "▁hello", "▁hi"])
        #expect(tokenizer.decode(ids) == "hello hi")
    }

    @Test("characters outside the vocabulary fall back to byte tokens")
    func byteFallback() throws {
        let tokenizer = try Tokenizer(vocabulary: Self.vocabulary)
        let ids = tokenizer.encode("hé", addSpecial: false)
        #expect(ids.map { tokenizer.text($0) } == ["▁h", "<0xC3>", "<0xA9>"])
        #expect(tokenizer.piece(ids[1]) == [0xC3])
        #expect(tokenizer.decode(ids) == "hé")
    }

    @Test("a space prefix follows each special token")
    func prefixAfterSpecial() throws {
        let tokenizer = try Tokenizer(vocabulary: Self.vocabulary)
        let ids = tokenizer.encode("hi</s>hi", addSpecial: false)
        #expect(ids.map { tokenizer.text($0) } == ["▁hi", "</s>", "▁hi"])
    }
}

@Suite("Tokenizer errors")
struct TokenizerErrorTests {
    @Test("an unsupported tokenizer model is named in the error")
    func unknownModel() {
        let metadata: [String: GGUFValue] = [
            GGUFKey.tokenizerModel: .string("bert"),
            GGUFKey.tokens: .array(.string, [.string("[CLS]")]),
        ]
        #expect(
            throws: GGUFError.unsupportedTokenizer(key: GGUFKey.tokenizerModel, value: "bert", supported: "gpt2, llama")
        ) {
            try TokenizerVocabulary(metadata: metadata)
        }
    }

    @Test("an unsupported pre-tokenizer is named in the error")
    func unknownPre() {
        var vocabulary = TinyVocabulary.bytePair(merges: [])
        vocabulary.preTokenizer = "tekken"
        #expect {
            try Tokenizer(vocabulary: vocabulary)
        } throws: { error in
            guard case .unsupportedTokenizer(let key, let value, _) = error as? GGUFError else { return false }
            return key == GGUFKey.tokenizerPre && value == "tekken"
        }
    }

    @Test("a missing token list is reported by key")
    func missingTokens() {
        #expect(throws: GGUFError.missingKey(GGUFKey.tokens)) {
            try TokenizerVocabulary(metadata: [GGUFKey.tokenizerModel: .string("llama")])
        }
    }
}

@Suite("Streaming decoder")
struct StreamingDecoderTests {
    @Test("a four-byte emoji fed byte by byte appears once, whole")
    func holdsBackPartialCharacters() throws {
        let tokenizer = try Tokenizer(vocabulary: TinyVocabulary.bytePair(merges: []))
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        let outputs = [0x61, 0xF0, 0x9F, 0x98, 0x80, 0x62].map { decoder.append(Int32($0)) }
        #expect(outputs == ["a", "", "", "", "😀", "b"])
        #expect(decoder.finish() == "")
    }

    @Test("control tokens add no text and an unfinished character is flushed as U+FFFD")
    func controlAndFinish() throws {
        let tokenizer = try Tokenizer(vocabulary: TinyVocabulary.bytePair(merges: []))
        let end = try #require(tokenizer.token(forText: "<|im_end|>"))
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        #expect(decoder.append(0xE2) == "")
        #expect(decoder.append(end) == "")
        #expect(decoder.append(0x82) == "")
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(decoder.append(0x41) == "A")
    }

    @Test("a stray continuation byte is not held back")
    func strayContinuation() throws {
        let tokenizer = try Tokenizer(vocabulary: TinyVocabulary.bytePair(merges: []))
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        #expect(decoder.append(0x80) == "\u{FFFD}")
    }
}
