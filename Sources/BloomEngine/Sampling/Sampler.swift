import Glibc

/// Chooses tokens from logits: repeat penalty, then greedy or temperature sampling over the
/// candidates left by top-k, min-p and top-p, in llama.cpp's default order.
package struct Sampler: Sendable {
    package let options: SamplingOptions
    private var random: RandomGenerator
    private var candidates: [(token: Int32, logit: Float)] = []

    package init(options: SamplingOptions) {
        self.options = options
        self.random = RandomGenerator(seed: options.seed)
    }

    /// The next token, given the logits and the tokens so far (for the repeat penalty).
    package mutating func sample(_ logits: UnsafeBufferPointer<Float>, history: ArraySlice<Int32>) -> Int32 {
        let penalised = self.penalisedTokens(history)
        let penalty = self.options.repeatPenalty
        let adjusted = { (token: Int) -> Float in
            let logit = logits[token]
            guard penalised.contains(Int32(token)) else { return logit }
            // As in the CTRL paper: divide positive logits, multiply negative ones.
            return logit > 0 ? logit / penalty : logit * penalty
        }

        if self.options.temperature <= 0 {
            var best = 0
            var bestLogit = -Float.infinity
            for token in 0..<logits.count {
                let logit = penalised.isEmpty ? logits[token] : adjusted(token)
                if logit > bestLogit { (best, bestLogit) = (token, logit) }
            }
            return Int32(best)
        }

        self.collectTopK(logits, adjusted: adjusted)
        return self.sampleFromCandidates()
    }

    private func penalisedTokens(_ history: ArraySlice<Int32>) -> Set<Int32> {
        guard self.options.repeatPenalty != 1, self.options.repeatWindow > 0 else { return [] }
        return Set(history.suffix(self.options.repeatWindow))
    }

    /// Keeps the k largest logits (all of them when k ≤ 0), sorted descending.
    private mutating func collectTopK(_ logits: UnsafeBufferPointer<Float>, adjusted: (Int) -> Float) {
        let k = self.options.topK > 0 ? min(self.options.topK, logits.count) : logits.count
        self.candidates.removeAll(keepingCapacity: true)
        var floor = -Float.infinity
        for token in 0..<logits.count {
            let logit = adjusted(token)
            guard self.candidates.count < k || logit > floor else { continue }
            self.candidates.append((Int32(token), logit))
            if self.candidates.count > 2 * k {
                self.candidates.sort { $0.logit > $1.logit }
                self.candidates.removeSubrange(k...)
                floor = self.candidates[k - 1].logit
            }
        }
        self.candidates.sort { $0.logit > $1.logit }
        if self.candidates.count > k { self.candidates.removeSubrange(k...) }
    }

    private mutating func sampleFromCandidates() -> Int32 {
        // Softmax at the temperature.
        let top = self.candidates[0].logit
        var probabilities = self.candidates.map { expf(($0.logit - top) / self.options.temperature) }
        var total = probabilities.reduce(0, +)
        for i in probabilities.indices { probabilities[i] /= total }

        // min-p: drop tokens less likely than min_p × the most likely one.
        var keep = probabilities.count
        if self.options.minP > 0 {
            let threshold = self.options.minP * probabilities[0]
            keep = max(1, probabilities.prefix { $0 >= threshold }.count)
        }

        // top-p: the smallest prefix whose probability reaches top_p.
        if self.options.topP < 1 {
            var cumulative: Float = 0
            for i in 0..<keep {
                cumulative += probabilities[i]
                if cumulative >= self.options.topP {
                    keep = i + 1
                    break
                }
            }
        }

        total = probabilities.prefix(keep).reduce(0, +)
        var target = self.random.nextUnit() * total
        for i in 0..<keep {
            target -= probabilities[i]
            if target < 0 { return self.candidates[i].token }
        }
        return self.candidates[keep - 1].token
    }
}
