/// What a provider's stream yields: text as it is generated, then one summary.
public enum ChatEvent: Sendable, Equatable {
    /// The next piece of the answer; never splits a UTF-8 character.
    case delta(String)
    /// The generation ended; always the last event of a successful stream.
    case done(GenerationSummary)
}

/// Counts and timings of one generation, as the provider reported them.
public struct GenerationSummary: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Why it stopped, in the provider's words (`stop`, `length`).
    public var finishReason: String?
    /// Time spent on the prompt (prefill), when the provider reports it.
    public var promptDuration: Duration?
    /// Time spent generating, when the provider reports it.
    public var generationDuration: Duration?

    public init(
        promptTokens: Int,
        completionTokens: Int,
        finishReason: String? = nil,
        promptDuration: Duration? = nil,
        generationDuration: Duration? = nil
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.finishReason = finishReason
        self.promptDuration = promptDuration
        self.generationDuration = generationDuration
    }

    /// Generated tokens per second, when the generation time is known and not zero.
    public var tokensPerSecond: Double? {
        guard let generationDuration, generationDuration > .zero else { return nil }
        let seconds =
            Double(generationDuration.components.seconds) + Double(generationDuration.components.attoseconds) / 1e18
        return Double(self.completionTokens) / seconds
    }
}
