/// One benchmark round as llama.cpp's `llama-bench` style measurements take it: an empty KV
/// cache, the whole prompt as one forward call, then greedy decoding of a fixed number of
/// tokens, end tokens included, so every round does the same work.
extension Generator {
    package struct BenchmarkRound: Sendable, Equatable {
        package var prefillTokens: Int
        package var prefillDuration: Duration
        package var decodeTokens: Int
        package var decodeDuration: Duration
    }

    /// Runs one round over `prompt` and `decodeTokens` more positions.
    ///
    /// - Precondition: the prompt and the decoded tokens fit in the context.
    package func benchmarkRound(prompt: [Int32], decodeTokens: Int) -> BenchmarkRound {
        precondition(!prompt.isEmpty, "a benchmark needs a prompt")
        let transformer = self.transformer
        precondition(
            prompt.count + decodeTokens <= transformer.contextCapacity,
            "\(prompt.count) + \(decodeTokens) tokens exceed the \(transformer.contextCapacity)-token context")
        let clock = ContinuousClock()

        // Start from an empty cache, so no prefix is reused.
        transformer.truncate(to: 0)
        let prefillStart = clock.now
        var logits = transformer.forward(prompt)
        let prefillDuration = clock.now - prefillStart

        // Greedy decoding, never stopping at an end token.
        let decodeStart = clock.now
        for _ in 0..<decodeTokens {
            logits = transformer.forward(CollectionOfOne(Self.mostLikely(logits)))
        }
        return BenchmarkRound(
            prefillTokens: prompt.count, prefillDuration: prefillDuration, decodeTokens: decodeTokens,
            decodeDuration: clock.now - decodeStart)
    }

    private static func mostLikely(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        var best = 0
        for index in logits.indices where logits[index] > logits[best] { best = index }
        return Int32(best)
    }
}
