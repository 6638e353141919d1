import Foundation
import Testing

@testable import BloomEngine

/// llama.cpp's token ids for SmolLM2's vocabulary re-labelled with other pre-tokenizers, and for
/// a SentencePiece vocabulary derived from it (`bench/engine/make_token_fixtures.py`).
struct VariantFixture: Decodable, Sendable {
    struct Case: Decodable, Sendable {
        var text: String
        var special: Bool
        var addSpecial: Bool?
        var ids: [Int32]
        /// Concatenated `llama_token_to_piece` output.
        var detokenized: String?
        /// `llama_detokenize`, which also drops the prefix space and cleans spaces.
        var decoded: String?

        enum CodingKeys: String, CodingKey {
            case text, special, ids, detokenized, decoded
            case addSpecial = "add_special"
        }
    }

    var variant: String
    var cases: [Case]

    static let all: [VariantFixture] = {
        struct File: Decodable { var variants: [VariantFixture] }
        guard
            let url = Bundle.module.url(
                forResource: "tokenizer-variants", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.variants
    }()

    /// The SentencePiece vocabulary the fixture script derives from a byte-level one, rebuilt
    /// the same way: specials, byte tokens, valid-UTF-8 normal tokens scored by minus their id,
    /// then the control tokens.
    static func sentencePiece(from source: TokenizerVocabulary) -> TokenizerVocabulary {
        var (tokens, kinds) = TinyVocabulary.sentencePiecePrelude()
        var scores = [Float](repeating: 0, count: tokens.count)
        var seen = Set(tokens)
        for (index, text) in source.tokens.enumerated() where source.kinds[index] == .normal {
            guard let bytes = ByteLevelEncoding.bytes(spelledBy: text),
                let decoded = String(validating: bytes, as: UTF8.self)
            else { continue }
            let piece = decoded.replacing(" ", with: "\u{2581}")
            guard !piece.isEmpty, seen.insert(piece).inserted else { continue }
            tokens.append(piece)
            kinds.append(.normal)
            scores.append(-Float(index))
        }
        for (index, text) in source.tokens.enumerated() where source.kinds[index] == .control {
            guard seen.insert(text).inserted else { continue }
            tokens.append(text)
            kinds.append(.control)
            scores.append(0)
        }
        return TokenizerVocabulary(
            model: .sentencePiece, tokens: tokens, kinds: kinds, scores: scores, bos: 1, eos: 2, unknown: 0)
    }
}

@Suite("Tokenizer variants against llama.cpp", .enabled(if: TestModel.isAvailable, "needs BLOOM_TEST_MODEL"))
struct TokenizerVariantTests {
    static let source: TokenizerVocabulary? = TestModel.path.flatMap {
        try? TokenizerVocabulary(file: GGUFFile(path: $0))
    }

    @Test("the variant fixture covers four pre-tokenizers and SentencePiece")
    func fixtureIsComplete() {
        #expect(VariantFixture.all.map(\.variant) == ["llama-bpe", "qwen2", "gpt-2", "default", "spm"])
        #expect(VariantFixture.all.allSatisfy { $0.cases.count >= 200 })
    }

    @Test("encoding and pieces match llama.cpp", arguments: VariantFixture.all.map(\.variant))
    func matches(_ variant: String) throws {
        let fixture = try #require(VariantFixture.all.first { $0.variant == variant })
        var vocabulary = try #require(Self.source)
        if variant == "spm" {
            vocabulary = VariantFixture.sentencePiece(from: vocabulary)
        } else {
            vocabulary.preTokenizer = variant
        }
        let tokenizer = try Tokenizer(vocabulary: vocabulary)

        for example in fixture.cases {
            let ids = tokenizer.encode(example.text, addSpecial: example.addSpecial ?? false)
            #expect(ids == example.ids, "\(variant): \(String(reflecting: example.text))")
            if let detokenized = example.detokenized {
                let bytes = example.ids.flatMap { tokenizer.piece($0) }
                #expect(
                    String(decoding: bytes, as: UTF8.self) == detokenized,
                    "\(variant) pieces: \(String(reflecting: example.text))")
            }
            // After a leading BOS, decode() drops the prefix space that llama.cpp keeps.
            if let decoded = example.decoded, example.ids.first != tokenizer.bos || !tokenizer.addsSpacePrefix {
                #expect(
                    tokenizer.decode(example.ids) == decoded, "\(variant) decode: \(String(reflecting: example.text))")
            }
        }
    }
}
