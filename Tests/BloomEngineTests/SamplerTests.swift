import Testing

@testable import BloomEngine

@Suite("Sampler")
struct SamplerTests {
    static let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 0.5, 2.9]

    func sample(_ options: SamplingOptions, history: [Int32] = [], times: Int = 1) -> [Int32] {
        var sampler = Sampler(options: options)
        return Self.logits.withUnsafeBufferPointer { logits in
            (0..<times).map { _ in sampler.sample(logits, history: history[...]) }
        }
    }

    @Test("greedy picks the largest logit")
    func greedy() {
        #expect(self.sample(.greedy) == [1])
    }

    @Test("the repeat penalty can move greedy off a repeated token")
    func repeatPenalty() {
        var options = SamplingOptions.greedy
        options.repeatPenalty = 1.5
        #expect(self.sample(options, history: [1]) == [5])
    }

    @Test("the same seed gives the same tokens and another seed other tokens")
    func seeded() {
        var options = SamplingOptions()
        (options.temperature, options.topK, options.topP, options.minP, options.repeatPenalty) = (1.5, 0, 1, 0, 1)
        options.seed = 42
        let first = self.sample(options, times: 64)
        #expect(self.sample(options, times: 64) == first)
        options.seed = 43
        #expect(self.sample(options, times: 64) != first)
    }

    @Test("top-k 2 only ever returns the two most likely tokens")
    func topK() {
        var options = SamplingOptions()
        (options.temperature, options.topK, options.topP, options.minP) = (5, 2, 1, 0)
        let tokens = Set(self.sample(options, times: 200))
        #expect(tokens == [1, 5])
    }

    @Test("min-p drops tokens far less likely than the best")
    func minP() {
        var options = SamplingOptions()
        (options.temperature, options.topK, options.topP, options.minP) = (1, 0, 1, 0.5)
        // exp(2.5 - 3) = 0.61 and exp(2.9 - 3) = 0.90 pass 0.5; exp(1 - 3) = 0.14 does not.
        #expect(Set(self.sample(options, times: 300)) == [1, 2, 5])
    }

    @Test("top-p keeps the smallest set reaching the probability")
    func topP() {
        var options = SamplingOptions()
        (options.temperature, options.topK, options.topP, options.minP) = (1, 0, 0.3, 0)
        #expect(Set(self.sample(options, times: 100)) == [1])
    }
}

@Suite("Stop-sequence filter")
struct StopSequenceFilterTests {
    @Test("text before a stop sequence split across pieces is shown, the sequence never")
    func splitSequence() {
        var filter = StopSequenceFilter(["</answer>"])
        var shown = ""
        for piece in ["The end", "</ans", "wer> ignored"] { shown += filter.append(piece) }
        shown += filter.finish()
        #expect(shown == "The end")
        #expect(filter.stopped)
    }

    @Test("a held-back partial match is released when it turns out not to be one")
    func falseStart() {
        var filter = StopSequenceFilter(["STOP"])
        #expect(filter.append("ab ST") == "ab ")
        #expect(filter.append("ART") == "START")
        #expect(filter.finish() == "")
        #expect(!filter.stopped)
    }
}
