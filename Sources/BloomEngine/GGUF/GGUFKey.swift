/// Every GGUF metadata key and tensor name the engine reads, in one table.
///
/// Architecture-specific keys are prefixed with the value of `general.architecture`
/// (`llama.block_count`, `qwen2.block_count`); the functions here take that prefix.
package enum GGUFKey {
    package static let architecture = "general.architecture"
    package static let name = "general.name"
    package static let alignment = "general.alignment"
    package static let fileType = "general.file_type"

    package static func contextLength(_ arch: String) -> String { "\(arch).context_length" }
    package static func embeddingLength(_ arch: String) -> String { "\(arch).embedding_length" }
    package static func blockCount(_ arch: String) -> String { "\(arch).block_count" }
    package static func feedForwardLength(_ arch: String) -> String { "\(arch).feed_forward_length" }
    package static func headCount(_ arch: String) -> String { "\(arch).attention.head_count" }
    package static func headCountKV(_ arch: String) -> String { "\(arch).attention.head_count_kv" }
    package static func rmsEpsilon(_ arch: String) -> String { "\(arch).attention.layer_norm_rms_epsilon" }
    package static func ropeFrequencyBase(_ arch: String) -> String { "\(arch).rope.freq_base" }
    package static func ropeDimensionCount(_ arch: String) -> String { "\(arch).rope.dimension_count" }
    package static func vocabularySize(_ arch: String) -> String { "\(arch).vocab_size" }

    package static let tokenizerModel = "tokenizer.ggml.model"
    package static let tokenizerPre = "tokenizer.ggml.pre"
    package static let tokens = "tokenizer.ggml.tokens"
    package static let tokenTypes = "tokenizer.ggml.token_type"
    package static let tokenScores = "tokenizer.ggml.scores"
    package static let merges = "tokenizer.ggml.merges"
    package static let bosTokenID = "tokenizer.ggml.bos_token_id"
    package static let eosTokenID = "tokenizer.ggml.eos_token_id"
    package static let eotTokenID = "tokenizer.ggml.eot_token_id"
    package static let unknownTokenID = "tokenizer.ggml.unknown_token_id"
    package static let paddingTokenID = "tokenizer.ggml.padding_token_id"
    package static let addBOSToken = "tokenizer.ggml.add_bos_token"
    package static let addEOSToken = "tokenizer.ggml.add_eos_token"
    package static let addSpacePrefix = "tokenizer.ggml.add_space_prefix"
    package static let chatTemplate = "tokenizer.chat_template"
}

/// Tensor names of the llama-family layout, shared by every supported architecture.
package enum TensorName {
    package static let tokenEmbedding = "token_embd.weight"
    package static let outputNorm = "output_norm.weight"
    package static let output = "output.weight"

    package static func attentionNorm(_ layer: Int) -> String { "blk.\(layer).attn_norm.weight" }
    package static func query(_ layer: Int) -> String { "blk.\(layer).attn_q.weight" }
    package static func key(_ layer: Int) -> String { "blk.\(layer).attn_k.weight" }
    package static func value(_ layer: Int) -> String { "blk.\(layer).attn_v.weight" }
    package static func queryBias(_ layer: Int) -> String { "blk.\(layer).attn_q.bias" }
    package static func keyBias(_ layer: Int) -> String { "blk.\(layer).attn_k.bias" }
    package static func valueBias(_ layer: Int) -> String { "blk.\(layer).attn_v.bias" }
    package static func attentionOutput(_ layer: Int) -> String { "blk.\(layer).attn_output.weight" }
    package static func feedForwardNorm(_ layer: Int) -> String { "blk.\(layer).ffn_norm.weight" }
    package static func gate(_ layer: Int) -> String { "blk.\(layer).ffn_gate.weight" }
    package static func up(_ layer: Int) -> String { "blk.\(layer).ffn_up.weight" }
    package static func down(_ layer: Int) -> String { "blk.\(layer).ffn_down.weight" }
}

extension GGUFFile {
    package func value(_ key: String) -> GGUFValue? {
        self.metadata[key]
    }

    package func requireInteger(_ key: String) throws(GGUFError) -> Int {
        guard let value = self.metadata[key] else { throw .missingKey(key) }
        guard let integer = value.integer else { throw .wrongKeyType(key: key, expected: "an integer") }
        return integer
    }

    package func requireString(_ key: String) throws(GGUFError) -> String {
        guard let value = self.metadata[key] else { throw .missingKey(key) }
        guard let string = value.string else { throw .wrongKeyType(key: key, expected: "a string") }
        return string
    }

    package func number(_ key: String) throws(GGUFError) -> Double? {
        guard let value = self.metadata[key] else { return nil }
        guard let number = value.number else { throw .wrongKeyType(key: key, expected: "a number") }
        return number
    }

    package func integer(_ key: String) throws(GGUFError) -> Int? {
        guard let value = self.metadata[key] else { return nil }
        guard let integer = value.integer else { throw .wrongKeyType(key: key, expected: "an integer") }
        return integer
    }

    package func strings(_ key: String) throws(GGUFError) -> [String]? {
        guard let value = self.metadata[key] else { return nil }
        guard case .array(.string, let values) = value else {
            throw .wrongKeyType(key: key, expected: "an array of strings")
        }
        return values.map { $0.string ?? "" }
    }
}
