import BloomTesting
import Foundation
import Testing

@testable import BloomEngine

@Suite("Generator")
struct GeneratorTests {
    static func generator(threads: Int = 2) throws -> Generator {
        let path = try TransformerTests.write(TinyModel(architecture: .llama, weightFormat: .q8_0))
        return try Generator(model: try Model(path: path), contextLength: 128, threads: threads)
    }

    @Test("greedy generation is reproducible and stops at the token limit")
    func reproducible() throws {
        let prompt: [Int32] = [10, 20, 30, 40]
        let parameters = GenerationParameters(sampling: .greedy, maxTokens: 12)
        let first = try Self.generator().generate(prompt: prompt, parameters: parameters) { _ in }
        let second = try Self.generator().generate(prompt: prompt, parameters: parameters) { _ in }
        #expect(first.tokens == second.tokens)
        #expect(first.tokens.count <= 12)
        #expect(first.finishReason == (first.tokens.count == 12 ? .length : .stop))
    }

    @Test("a follow-up prompt reuses the cached prefix and gives what a fresh run gives")
    func prefixReuse() throws {
        let parameters = GenerationParameters(sampling: .greedy, maxTokens: 8)
        let generator = try Self.generator()
        let first = try generator.generate(prompt: [1, 2, 3, 4, 5], parameters: parameters) { _ in }
        let followUp: [Int32] = [1, 2, 3, 4, 5] + first.tokens + [6, 7]
        let reused = try generator.generate(prompt: followUp, parameters: parameters) { _ in }
        let fresh = try Self.generator().generate(prompt: followUp, parameters: parameters) { _ in }
        #expect(reused.reusedPromptTokens >= 5)
        #expect(fresh.reusedPromptTokens == 0)
        #expect(reused.tokens == fresh.tokens)
    }

    @Test("a stop request ends generation at once and keeps what was generated")
    func cancellation() throws {
        var checks = 0
        var streamed = ""
        let result = try Self.generator().generate(
            prompt: [1, 2, 3], parameters: GenerationParameters(sampling: .greedy, maxTokens: 50),
            shouldStop: {
                checks += 1
                return checks > 5
            }, emit: { streamed += $0 })
        #expect(result.finishReason == .cancelled)
        #expect(result.tokens.count == 5)
        #expect(result.text == streamed)
    }

    @Test("a prompt longer than the context is refused with both sizes")
    func promptTooLong() throws {
        let generator = try Self.generator()
        let prompt = [Int32](repeating: 5, count: 200)
        #expect(throws: GenerationError.promptTooLong(tokens: 200, context: 128)) {
            try generator.generate(prompt: prompt, parameters: GenerationParameters()) { _ in }
        }
    }

    @Test("the emitted text is exactly the result text")
    func emittedText() throws {
        var streamed = ""
        var options = SamplingOptions()
        options.seed = 7
        let result = try Self.generator().generate(
            prompt: [1, 2, 3], parameters: GenerationParameters(sampling: options, maxTokens: 20)
        ) { streamed += $0 }
        #expect(streamed == result.text)
    }
}
