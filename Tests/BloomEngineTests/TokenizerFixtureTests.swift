import Foundation
import Testing

@testable import BloomEngine

/// Token ids llama.cpp produced for SmolLM2 (`bench/engine/make_token_fixtures.py`).
struct TokenFixture: Decodable, CustomTestStringConvertible, Sendable {
    var text: String
    var special: Bool
    var ids: [Int32]
    var detokenized: String

    var testDescription: String { "\(self.special ? "special" : "plain") \(String(reflecting: self.text))" }

    static let all: [TokenFixture] = {
        struct File: Decodable { var cases: [TokenFixture] }
        guard
            let url = Bundle.module.url(forResource: "smollm2-tokens", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.cases
    }()
}

@Test("the SmolLM2 fixture file holds at least 220 cases, some without special tokens")
func fixtureIsComplete() {
    #expect(TokenFixture.all.count >= 220)
    #expect(TokenFixture.all.contains { !$0.special })
}

@Suite("Tokenizer against llama.cpp on SmolLM2", .enabled(if: TestModel.isAvailable, "needs BLOOM_TEST_MODEL"))
struct TokenizerFixtureTests {
    @Test("the model's tokenizer settings are read from the file")
    func settings() throws {
        let tokenizer = try #require(TestModel.tokenizer)
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.model == .bytePairEncoding)
        #expect(tokenizer.bos == 1)
        #expect(tokenizer.eos == 2)
        #expect(!tokenizer.addsBOS)
        #expect(tokenizer.isControl(1))
        #expect(tokenizer.endOfGenerationTokens.contains(2))
        #expect(tokenizer.endOfGenerationTokens.contains(0))  // <|endoftext|>
    }

    @Test("encoding matches llama.cpp token for token", arguments: TokenFixture.all)
    func encodes(_ fixture: TokenFixture) throws {
        let tokenizer = try #require(TestModel.tokenizer)
        let ids = tokenizer.encode(fixture.text, addSpecial: false, parseSpecial: fixture.special)
        #expect(ids == fixture.ids, "text: \(String(reflecting: fixture.text))")
    }

    @Test("decoding matches llama.cpp's detokenize", arguments: TokenFixture.all)
    func decodes(_ fixture: TokenFixture) throws {
        let tokenizer = try #require(TestModel.tokenizer)
        #expect(tokenizer.decode(fixture.ids) == fixture.detokenized, "text: \(String(reflecting: fixture.text))")
    }
}
