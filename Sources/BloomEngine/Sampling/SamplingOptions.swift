/// How the next token is chosen. A temperature of 0 is greedy (the most likely token).
package struct SamplingOptions: Sendable, Equatable {
    package var temperature: Float = 0.8
    package var topK: Int = 40
    package var topP: Float = 0.9
    package var minP: Float = 0.05
    package var repeatPenalty: Float = 1.1
    /// How many recent tokens the repeat penalty looks at.
    package var repeatWindow: Int = 64
    package var seed: UInt64 = 0

    package init() {}

    /// Always the most likely token: reproducible, and what reference comparisons use.
    package static var greedy: SamplingOptions {
        var options = SamplingOptions()
        options.temperature = 0
        options.repeatPenalty = 1
        return options
    }
}
