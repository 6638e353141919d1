package import BloomEngine
import Foundation

/// A random-weight model small enough to build in a test: llama or qwen2 layout, every layer
/// matrix in one chosen format, a GPT-2-style byte-level vocabulary and a ChatML template.
///
/// The vocabulary has the 256 byte tokens (GPT-2's byte-to-unicode mapping, token id = byte),
/// five merges (`Ġ t`, `h e`, `Ġt he`, `i n`, `e r`) and the control tokens `<|endoftext|>`,
/// `<|im_start|>` and `<|im_end|>` (token type 3): 264 tokens. The same seed gives the same file.
package struct TinyModel {
    package enum Architecture: String, Sendable, CaseIterable {
        case llama
        /// As llama, plus F32 biases on the query, key and value projections.
        case qwen2
    }

    package var architecture: Architecture
    /// The format of every layer matrix (and the embedding and output matrices); norms and biases are F32.
    package var weightFormat: GGMLType
    /// Whether the output projection reuses `token_embd.weight` (no `output.weight` tensor).
    package var tiedOutput: Bool
    package var hidden: Int
    package var layers = 2
    package var heads = 4
    package var kvHeads = 2
    package var feedForward: Int
    package var contextLength = 256
    package var seed: UInt64

    package static let merges = ["Ġ t", "h e", "Ġt he", "i n", "e r"]
    package static let specialTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    package static let chatTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
        + " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
        + "{% endif %}"

    /// Dimensions default to hidden 64 and FFN 128, or 256 and 512 for K-quant formats, whose rows
    /// must be whole 256-weight super-blocks.
    package init(
        architecture: Architecture = .llama, weightFormat: GGMLType = .q8_0, tiedOutput: Bool = true, seed: UInt64 = 1
    ) {
        let isKQuant = weightFormat.blockLength == 256
        self.architecture = architecture
        self.weightFormat = weightFormat
        self.tiedOutput = tiedOutput
        self.hidden = isKQuant ? 256 : 64
        self.feedForward = isKQuant ? 512 : 128
        self.seed = seed
    }

    /// The vocabulary in id order: byte tokens, merged tokens, control tokens.
    package static var tokens: [String] {
        (0..<256).map { String(Self.byteCharacter(UInt8($0))) }
            + Self.merges.map { $0.replacingOccurrences(of: " ", with: "") } + Self.specialTokens
    }

    /// GPT-2's printable stand-in for a byte: printable Latin-1 bytes stand for themselves, the
    /// others map in order to U+0100 onwards (so the space byte 0x20 is `Ġ`, U+0120).
    package static func byteCharacter(_ byte: UInt8) -> Character {
        let printable: (UInt8) -> Bool = { (33...126).contains($0) || (161...172).contains($0) || $0 >= 174 }
        if printable(byte) { return Character(Unicode.Scalar(byte)) }
        let rank = (0..<Int(byte)).filter { !printable(UInt8($0)) }.count
        return Character(Unicode.Scalar(UInt32(256 + rank))!)
    }

    package func write(to path: String) throws {
        try self.writer().write(to: path)
    }

    package func writer() -> GGUFWriter {
        precondition(
            self.hidden % self.weightFormat.blockLength == 0 && self.feedForward % self.weightFormat.blockLength == 0,
            "hidden \(self.hidden) and FFN \(self.feedForward) must be whole \(self.weightFormat.name) blocks")
        precondition(self.hidden % self.heads == 0 && self.heads % self.kvHeads == 0, "heads must divide evenly")
        var writer = GGUFWriter()
        self.addMetadata(to: &writer)
        var random = SeededGenerator(seed: self.seed)
        let tokens = Self.tokens
        let kvDimension = self.hidden / self.heads * self.kvHeads

        let matrix = { (writer: inout GGUFWriter, name: String, columns: Int, rows: Int) in
            let bound = (3 / Float(columns)).squareRoot()
            let values = (0..<columns * rows).map { _ in Float.random(in: -bound...bound, using: &random) }
            writer.addTensor(name, shape: [columns, rows], type: self.weightFormat, values: values)
        }
        let vector = { (writer: inout GGUFWriter, name: String, count: Int, center: Float) in
            let values = (0..<count).map { _ in center + Float.random(in: -0.1...0.1, using: &random) }
            writer.addTensor(name, shape: [count], type: .f32, values: values)
        }

        matrix(&writer, TensorName.tokenEmbedding, self.hidden, tokens.count)
        vector(&writer, TensorName.outputNorm, self.hidden, 1)
        if !self.tiedOutput { matrix(&writer, TensorName.output, self.hidden, tokens.count) }
        for layer in 0..<self.layers {
            vector(&writer, TensorName.attentionNorm(layer), self.hidden, 1)
            matrix(&writer, TensorName.query(layer), self.hidden, self.hidden)
            matrix(&writer, TensorName.key(layer), self.hidden, kvDimension)
            matrix(&writer, TensorName.value(layer), self.hidden, kvDimension)
            if self.architecture == .qwen2 {
                vector(&writer, TensorName.queryBias(layer), self.hidden, 0)
                vector(&writer, TensorName.keyBias(layer), kvDimension, 0)
                vector(&writer, TensorName.valueBias(layer), kvDimension, 0)
            }
            matrix(&writer, TensorName.attentionOutput(layer), self.hidden, self.hidden)
            vector(&writer, TensorName.feedForwardNorm(layer), self.hidden, 1)
            matrix(&writer, TensorName.gate(layer), self.hidden, self.feedForward)
            matrix(&writer, TensorName.up(layer), self.hidden, self.feedForward)
            matrix(&writer, TensorName.down(layer), self.feedForward, self.hidden)
        }
        return writer
    }

    private func addMetadata(to writer: inout GGUFWriter) {
        let arch = self.architecture.rawValue
        let tokens = Self.tokens
        let firstSpecial = tokens.count - Self.specialTokens.count
        writer.add(GGUFKey.architecture, .string(arch))
        writer.add(GGUFKey.name, .string("tiny-\(arch)-\(self.weightFormat.name)"))
        writer.add(GGUFKey.fileType, .uint32(Self.fileType(self.weightFormat)))
        writer.add(GGUFKey.contextLength(arch), .uint32(UInt32(self.contextLength)))
        writer.add(GGUFKey.embeddingLength(arch), .uint32(UInt32(self.hidden)))
        writer.add(GGUFKey.blockCount(arch), .uint32(UInt32(self.layers)))
        writer.add(GGUFKey.feedForwardLength(arch), .uint32(UInt32(self.feedForward)))
        writer.add(GGUFKey.headCount(arch), .uint32(UInt32(self.heads)))
        writer.add(GGUFKey.headCountKV(arch), .uint32(UInt32(self.kvHeads)))
        writer.add(GGUFKey.rmsEpsilon(arch), .float32(1e-5))
        writer.add(GGUFKey.ropeFrequencyBase(arch), .float32(self.architecture == .qwen2 ? 1_000_000 : 10_000))
        writer.add(GGUFKey.ropeDimensionCount(arch), .uint32(UInt32(self.hidden / self.heads)))
        writer.add(GGUFKey.vocabularySize(arch), .uint32(UInt32(tokens.count)))

        writer.add(GGUFKey.tokenizerModel, .string("gpt2"))
        writer.add(GGUFKey.tokenizerPre, .string(self.architecture == .qwen2 ? "qwen2" : "smollm"))
        writer.add(GGUFKey.tokens, .array(.string, tokens.map { .string($0) }))
        let types = tokens.indices.map { GGUFValue.int32($0 >= firstSpecial ? 3 : 1) }
        writer.add(GGUFKey.tokenTypes, .array(.int32, types))
        writer.add(GGUFKey.merges, .array(.string, Self.merges.map { .string($0) }))
        writer.add(GGUFKey.bosTokenID, .uint32(UInt32(firstSpecial)))  // <|endoftext|>
        writer.add(GGUFKey.eosTokenID, .uint32(UInt32(firstSpecial + 2)))  // <|im_end|>
        writer.add(GGUFKey.paddingTokenID, .uint32(UInt32(firstSpecial)))
        writer.add(GGUFKey.addBOSToken, .bool(false))
        writer.add(GGUFKey.chatTemplate, .string(Self.chatTemplate))
    }

    /// llama.cpp's `general.file_type` (`llama_ftype`) for a model whose matrices are all `format`.
    private static func fileType(_ format: GGMLType) -> UInt32 {
        switch format {
        case .f32: 0
        case .f16: 1
        case .q4_0: 2
        case .q4_1: 3
        case .q8_0: 7
        case .q4_K: 15  // Q4_K_M
        case .q6_K: 18
        default: 0
        }
    }
}

/// SplitMix64: a small seedable generator, so a seed always gives the same weights.
package struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) {
        self.state = seed
    }

    package mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
