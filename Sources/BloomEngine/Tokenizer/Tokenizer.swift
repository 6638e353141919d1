/// Turns text into token ids and back, following llama.cpp's `llama_vocab` for the two
/// vocabulary types the engine supports: byte-level BPE (`gpt2`) and SentencePiece (`llama`).
///
/// Built once per model from the GGUF metadata (or from a `TokenizerVocabulary` in tests) and
/// shared between requests; it holds no mutable state.
package final class Tokenizer: Sendable {
    package let model: TokenizerModel
    package let bos: Int32?
    package let eos: Int32?
    /// End of turn (`<|im_end|>`, `<|eot_id|>`), from the file or recognised by its text.
    package let eot: Int32?
    package let unknown: Int32?
    package let padding: Int32?
    /// Whether `encode(_:addSpecial:)` puts BOS in front (`add_bos_token`, else the default for
    /// the model and pre-tokenizer).
    package let addsBOS: Bool
    package let addsEOS: Bool
    /// SentencePiece: whether a space goes in front of the text (`add_space_prefix`).
    package let addsSpacePrefix: Bool
    /// The tokens whose sampling ends a generation: EOS, EOT, and every token spelled like an
    /// end-of-turn marker (`<|im_end|>`, `<|eot_id|>`, `<|endoftext|>`, …), as llama.cpp's
    /// `special_eog_ids`.
    package let endOfGenerationTokens: Set<Int32>

    let texts: [String]
    let kinds: [TokenKind]
    let idsByText: [String: Int32]
    /// Control, user-defined and unknown tokens, longest text first: the order in which
    /// `encode` looks for them in the text.
    let specialTokens: [(id: Int32, text: [UInt8])]
    /// Each token's bytes with special tokens spelled out (`piece(_:special: true)`).
    let pieces: [[UInt8]]
    let cleansSpaces: Bool
    private let algorithm: Algorithm

    private enum Algorithm: Sendable {
        case bytePairEncoding(ByteLevelBPE)
        case sentencePiece(SentencePieceBPE)
    }

    /// Texts llama.cpp treats as ending a generation whatever the file says.
    private static let endOfGenerationTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>",
    ]
    /// The subset llama.cpp picks the EOT token from when the file names none.
    private static let endOfTurnTexts = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>",
    ]

    package convenience init(file: GGUFFile) throws(GGUFError) {
        try self.init(vocabulary: TokenizerVocabulary(file: file))
    }

    /// - Throws: `GGUFError.unsupportedTokenizer` for a pre-tokenizer the engine lacks.
    package init(vocabulary: TokenizerVocabulary) throws(GGUFError) {
        let count = vocabulary.tokens.count
        precondition(count > 0 && count < Int(Int32.max), "a vocabulary needs between 1 and 2^31 tokens")
        func inRange(_ id: Int32?) -> Int32? { id.flatMap { $0 >= 0 && Int($0) < count ? $0 : nil } }

        // Look-ups by text; a duplicate text maps to its last id, as in llama.cpp.
        var idsByText: [String: Int32] = [:]
        idsByText.reserveCapacity(count)
        for (id, text) in vocabulary.tokens.enumerated() {
            idsByText[text] = Int32(id)
        }

        // The algorithm and llama.cpp's defaults for keys the file leaves out.
        let setup = try Setup(vocabulary, idsByText)
        self.model = vocabulary.model
        self.algorithm = setup.algorithm
        self.addsBOS = vocabulary.addBOS ?? setup.addsBOS
        self.addsEOS = vocabulary.addEOS ?? false
        self.addsSpacePrefix = vocabulary.addSpacePrefix ?? setup.addsSpacePrefix
        self.cleansSpaces = setup.cleansSpaces
        self.bos = inRange(vocabulary.bos ?? setup.bos)
        self.eos = inRange(vocabulary.eos ?? setup.eos)
        self.unknown = inRange(vocabulary.unknown ?? setup.unknown)
        self.padding = inRange(vocabulary.padding)

        // End of generation: tokens spelled as turn ends, which llama.cpp makes control tokens,
        // plus EOS and EOT. Without an EOT key, the first turn end in `endOfTurnTexts` is EOT.
        var kinds = vocabulary.kinds.count == count ? vocabulary.kinds : Array(repeating: .normal, count: count)
        let markers = Self.endOfGenerationTexts.compactMap { idsByText[$0] }
        for id in markers {
            kinds[Int(id)] = .control
        }
        self.eot = inRange(vocabulary.eot ?? Self.endOfTurnTexts.lazy.compactMap { idsByText[$0] }.first)
        self.endOfGenerationTokens = Set(markers + [self.eos, self.eot].compactMap { $0 })

        // Special tokens, longest text first, and every token's bytes for decoding.
        self.specialTokens = kinds.indices
            .filter { [.control, .userDefined, .unknown].contains(kinds[$0]) }
            .map { (id: Int32($0), text: Array(vocabulary.tokens[$0].utf8)) }
            .filter { !$0.text.isEmpty }
            .sorted { $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.id < $1.id }
        self.pieces = Self.spellPieces(vocabulary.tokens, kinds, vocabulary.model)
        self.texts = vocabulary.tokens
        self.kinds = kinds
        self.idsByText = idsByText
    }

    /// What a vocabulary type implies, as llama.cpp's `llama_vocab::impl::load` sets it before
    /// reading the optional keys.
    private struct Setup {
        var algorithm: Algorithm
        var addsBOS: Bool
        var addsSpacePrefix: Bool
        var cleansSpaces: Bool
        var bos: Int32?
        var eos: Int32?
        var unknown: Int32?

        init(_ vocabulary: TokenizerVocabulary, _ idsByText: [String: Int32]) throws(GGUFError) {
            switch vocabulary.model {
            case .bytePairEncoding:
                guard let pre = PreTokenizer(name: vocabulary.preTokenizer) else {
                    throw .unsupportedTokenizer(
                        key: GGUFKey.tokenizerPre, value: vocabulary.preTokenizer ?? "",
                        supported: PreTokenizer.supportedNames)
                }
                let bpe = ByteLevelBPE(
                    tokens: vocabulary.tokens, idsByText: idsByText, merges: vocabulary.merges, preTokenizer: pre)
                self.algorithm = .bytePairEncoding(bpe)
                self.addsBOS = pre.addsBOSByDefault
                self.addsSpacePrefix = false
                self.cleansSpaces = pre.cleansSpaces
                (self.bos, self.eos, self.unknown) = (11, 11, nil)
            case .sentencePiece:
                let spm = SentencePieceBPE(
                    tokens: vocabulary.tokens, scores: vocabulary.scores, unknown: vocabulary.unknown ?? 0)
                self.algorithm = .sentencePiece(spm)
                self.addsBOS = true
                self.addsSpacePrefix = true
                self.cleansSpaces = false
                (self.bos, self.eos, self.unknown) = (1, 2, 0)
            }
        }
    }

    package var vocabularySize: Int { self.texts.count }

    package func isControl(_ token: Int32) -> Bool {
        self.kind(token) == .control
    }

    /// The kind of a token; `.undefined` for an id outside the vocabulary.
    package func kind(_ token: Int32) -> TokenKind {
        token >= 0 && Int(token) < self.kinds.count ? self.kinds[Int(token)] : .undefined
    }

    /// The vocabulary entry's text as stored (`Ġhello`, `▁hello`, `<|im_start|>`).
    package func text(_ token: Int32) -> String? {
        token >= 0 && Int(token) < self.texts.count ? self.texts[Int(token)] : nil
    }

    /// The id of the token whose vocabulary text is `text`.
    package func token(forText text: String) -> Int32? {
        self.idsByText[text]
    }

    /// The token ids of `text`.
    ///
    /// - Parameters:
    ///   - addSpecial: Put BOS in front and EOS at the end as the model asks (`addsBOS`,
    ///     `addsEOS`).
    ///   - parseSpecial: Read the text of control tokens (`<|im_start|>`) as those tokens.
    ///     User-defined tokens are always read as themselves, as in llama.cpp.
    package func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = true) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addSpecial, self.addsBOS, let bos = self.bos {
            output.append(bos)
        }
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            let fragments = self.partition(buffer, parseSpecial: parseSpecial)
            self.encode(fragments, in: buffer, into: &output)
        }
        if addSpecial, self.addsEOS, let eos = self.eos {
            output.append(eos)
        }
        return output
    }

    private func encode(_ fragments: [Fragment], in bytes: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        switch self.algorithm {
        case .bytePairEncoding(let bpe):
            for fragment in fragments {
                switch fragment {
                case .token(let id): output.append(id)
                case .text(let range): bpe.encode(UnsafeBufferPointer(rebasing: bytes[range]), into: &output)
                }
            }
        case .sentencePiece(let spm):
            // A space goes before the text at the start and after every special token.
            var previousIsSpecial = true
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    output.append(id)
                    previousIsSpecial = true
                case .text(let range):
                    let prefix: [UInt8] = self.addsSpacePrefix && previousIsSpecial ? [0x20] : []
                    spm.encode(prefix + Array(bytes[range]), into: &output)
                    previousIsSpecial = false
                }
            }
        }
    }
}
