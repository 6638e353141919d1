import Testing

@testable import BloomEngine

@Suite("Tokenizer speed", .enabled(if: TestModel.isAvailable, "needs BLOOM_TEST_MODEL"))
struct TokenizerSpeedTests {
    /// A chat prompt of mixed prose, code and numbers, about 2,000 tokens with SmolLM2.
    static let prompt: String = {
        let paragraph = """
            <|im_start|>user
            Bloom serves local models over HTTP; it reads GGUF files, tokenizes prompts and streams \
            tokens back. Here's the function that failed on 2026-12-03 at 16:42:07:
            func load(_ path: String) throws -> Model { let file = try GGUFFile(path: path) }
            Prices: $19.99, €5, ¥1000 — naïve café résumé, 東京, 😀👍🏽.<|im_end|>

            """
        return String(repeating: paragraph, count: 22)
    }()

    @Test("a 2,000-token prompt encodes within the budget (10 ms in release builds)")
    func encodesQuickly() throws {
        let tokenizer = try #require(TestModel.tokenizer)
        _ = tokenizer.encode(Self.prompt)  // warm the character-class table
        let clock = ContinuousClock()
        var tokenCount = 0
        var best = Duration.seconds(1)
        for _ in 0..<5 {
            let elapsed = clock.measure { tokenCount = tokenizer.encode(Self.prompt).count }
            best = min(best, elapsed)
        }
        #expect(tokenCount >= 2000)
        #if DEBUG
            let budget = Duration.milliseconds(250)
        #else
            let budget = Duration.milliseconds(10)
        #endif
        #expect(best < budget, "\(tokenCount) tokens took \(best)")
        print("encode: \(tokenCount) tokens in \(best)")
    }
}
