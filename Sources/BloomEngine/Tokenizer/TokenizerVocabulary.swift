/// What kind of entry a vocabulary token is (the `tokenizer.ggml.token_type` values, llama.cpp's
/// `llama_token_type`).
package enum TokenKind: Int32, Sendable {
    case undefined = 0
    case normal = 1
    case unknown = 2
    /// Markup such as `<|im_start|>`: matched in text only when special tokens are parsed, and
    /// decoded to text only when asked.
    case control = 3
    /// Added words matched in text before normal tokenisation, whatever `parseSpecial` says.
    case userDefined = 4
    case unused = 5
    /// A SentencePiece byte-fallback token, `<0xNN>`.
    case byte = 6
}

/// The two tokenisation algorithms the engine implements.
package enum TokenizerModel: String, Sendable {
    /// Byte-level BPE with merge ranks (GPT-2, Llama 3, Qwen 2, SmolLM).
    case bytePairEncoding = "gpt2"
    /// SentencePiece BPE with scores and byte fallback (Llama 1 and 2, Mistral).
    case sentencePiece = "llama"
}

/// Everything a `Tokenizer` is built from, as plain values.
///
/// `init(file:)` reads it from a GGUF file's `tokenizer.*` metadata; tests build one by hand.
/// Optional flags keep "absent from the file" apart from "false", because llama.cpp's defaults
/// for an absent key depend on the model and pre-tokenizer.
package struct TokenizerVocabulary: Sendable {
    package var model: TokenizerModel
    /// `tokenizer.ggml.pre`; `nil` uses the GPT-2 split.
    package var preTokenizer: String?
    package var tokens: [String]
    /// One per token; empty means every token is `.normal`.
    package var kinds: [TokenKind]
    /// One per token; SentencePiece merges by these. Empty means all zero.
    package var scores: [Float]
    /// BPE merges, `"left right"`, highest priority first.
    package var merges: [String]
    package var bos: Int32?
    package var eos: Int32?
    package var eot: Int32?
    package var unknown: Int32?
    package var padding: Int32?
    package var addBOS: Bool?
    package var addEOS: Bool?
    package var addSpacePrefix: Bool?

    package init(
        model: TokenizerModel,
        preTokenizer: String? = nil,
        tokens: [String],
        kinds: [TokenKind] = [],
        scores: [Float] = [],
        merges: [String] = [],
        bos: Int32? = nil,
        eos: Int32? = nil,
        eot: Int32? = nil,
        unknown: Int32? = nil,
        padding: Int32? = nil,
        addBOS: Bool? = nil,
        addEOS: Bool? = nil,
        addSpacePrefix: Bool? = nil
    ) {
        self.model = model
        self.preTokenizer = preTokenizer
        self.tokens = tokens
        self.kinds = kinds
        self.scores = scores
        self.merges = merges
        self.bos = bos
        self.eos = eos
        self.eot = eot
        self.unknown = unknown
        self.padding = padding
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
    }
}

extension TokenizerVocabulary {
    /// Reads the vocabulary from a GGUF file's metadata.
    ///
    /// - Throws: `GGUFError.unsupportedTokenizer` for a model other than `gpt2` or `llama`, or a
    ///   pre-tokenizer the engine does not implement; `GGUFError.missingKey` when the token list
    ///   (or, for `gpt2`, the merges) is absent.
    package init(file: GGUFFile) throws(GGUFError) {
        try self.init(metadata: file.metadata)
    }

    /// Reads the vocabulary from GGUF metadata values; see `init(file:)`.
    package init(metadata: [String: GGUFValue]) throws(GGUFError) {
        let reader = MetadataReader(metadata: metadata)
        let modelName = try reader.string(GGUFKey.tokenizerModel)
        guard let model = TokenizerModel(rawValue: modelName) else {
            throw .unsupportedTokenizer(key: GGUFKey.tokenizerModel, value: modelName, supported: "gpt2, llama")
        }
        let tokens = try reader.array(GGUFKey.tokens, required: true) { $0.string }
        let pre = metadata[GGUFKey.tokenizerPre]?.string
        if model == .bytePairEncoding, PreTokenizer(name: pre) == nil {
            throw .unsupportedTokenizer(
                key: GGUFKey.tokenizerPre, value: pre ?? "", supported: PreTokenizer.supportedNames)
        }
        let merges = model == .bytePairEncoding ? try reader.array(GGUFKey.merges, required: true) { $0.string } : []
        let kinds = try reader.array(GGUFKey.tokenTypes, count: tokens.count) { value in
            value.integer.map { TokenKind(rawValue: Int32(truncatingIfNeeded: $0)) ?? .undefined }
        }
        let scores = try reader.array(GGUFKey.tokenScores, count: tokens.count) { $0.number.map(Float.init) }

        self.init(
            model: model,
            preTokenizer: pre,
            tokens: tokens,
            kinds: kinds,
            scores: scores,
            merges: merges,
            bos: try reader.tokenID(GGUFKey.bosTokenID, count: tokens.count),
            eos: try reader.tokenID(GGUFKey.eosTokenID, count: tokens.count),
            eot: try reader.tokenID(GGUFKey.eotTokenID, count: tokens.count),
            unknown: try reader.tokenID(GGUFKey.unknownTokenID, count: tokens.count),
            padding: try reader.tokenID(GGUFKey.paddingTokenID, count: tokens.count),
            addBOS: metadata[GGUFKey.addBOSToken]?.bool,
            addEOS: metadata[GGUFKey.addEOSToken]?.bool,
            addSpacePrefix: metadata[GGUFKey.addSpacePrefix]?.bool
        )
    }
}

/// Typed reads of the tokenizer keys, with errors that name the key.
private struct MetadataReader {
    let metadata: [String: GGUFValue]

    func string(_ key: String) throws(GGUFError) -> String {
        guard let value = self.metadata[key] else { throw .missingKey(key) }
        guard let string = value.string else { throw .wrongKeyType(key: key, expected: "a string") }
        return string
    }

    /// An array's elements converted; absent gives `[]` unless `required`. With `count`, the
    /// array must have one element per token.
    func array<Element>(
        _ key: String,
        required: Bool = false,
        count: Int? = nil,
        _ convert: (GGUFValue) -> Element?
    ) throws(GGUFError) -> [Element] {
        guard let value = self.metadata[key] else {
            if required { throw .missingKey(key) }
            return []
        }
        guard let values = value.array else { throw .wrongKeyType(key: key, expected: "an array") }
        if let count, values.count != count {
            throw .invalidHyperparameter(key: key, detail: "\(values.count) entries for \(count) tokens")
        }
        var result: [Element] = []
        result.reserveCapacity(values.count)
        for element in values {
            guard let converted = convert(element) else {
                throw .wrongKeyType(key: key, expected: "an array of \(Element.self)")
            }
            result.append(converted)
        }
        return result
    }

    /// A special token id; an id outside the vocabulary is ignored, as llama.cpp does.
    func tokenID(_ key: String, count: Int) throws(GGUFError) -> Int32? {
        guard let value = self.metadata[key] else { return nil }
        guard let id = value.integer else { throw .wrongKeyType(key: key, expected: "an integer") }
        return (0..<count).contains(id) ? Int32(id) : nil
    }
}
