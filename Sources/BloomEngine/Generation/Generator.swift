import Synchronization

/// What one generation should do.
package struct GenerationParameters: Sendable {
    package var sampling = SamplingOptions()
    /// Most tokens to generate; nil runs until an end token, a stop sequence or a full context.
    package var maxTokens: Int?
    package var stopSequences: [String] = []

    package init(sampling: SamplingOptions = SamplingOptions(), maxTokens: Int? = nil, stopSequences: [String] = []) {
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stopSequences = stopSequences
    }
}

/// How a generation ended, with its counts and timings.
package struct GenerationResult: Sendable, Equatable {
    package enum FinishReason: String, Sendable {
        /// An end-of-generation token or a stop sequence.
        case stop
        /// The token limit or the context's end.
        case length
        /// The caller asked it to stop.
        case cancelled
    }

    package var text: String
    package var tokens: [Int32]
    package var promptTokens: Int
    /// Prompt tokens whose keys and values were already cached from the previous turn.
    package var reusedPromptTokens: Int
    package var finishReason: FinishReason
    package var prefillDuration: Duration
    package var decodeDuration: Duration

    package var completionTokens: Int { self.tokens.count }
}

package enum GenerationError: Error, Equatable, CustomStringConvertible {
    case promptTooLong(tokens: Int, context: Int)
    case emptyPrompt

    package var description: String {
        switch self {
        case .promptTooLong(let tokens, let context):
            "the prompt is \(tokens) tokens, more than the \(context)-token context leaves room for"
        case .emptyPrompt: "the prompt is empty"
        }
    }
}

/// Runs generations on one loaded model: tokenises, reuses the cached prompt prefix, samples,
/// and streams text that never splits a character or shows part of a stop sequence.
///
/// - Warning: One generation at a time; the caller (the embedded provider's model thread)
///   serialises them.
package final class Generator: @unchecked Sendable {
    package let model: Model
    package let tokenizer: Tokenizer
    package let transformer: Transformer

    package init(model: Model, contextLength: Int? = nil, threads: Int, kernels: KernelSet = .best)
        throws(GGUFError)
    {
        self.model = model
        self.tokenizer = try Tokenizer(file: model.file)
        let context = min(contextLength ?? 4096, model.hyperparameters.trainedContextLength)
        self.transformer = Transformer(model: model, contextLength: context, threads: threads, kernels: kernels)
    }

    /// Generates from `prompt`, calling `emit` with each piece of text as it is ready.
    ///
    /// `shouldStop` is checked before every token; when it returns true the generation ends at
    /// once with `cancelled`, keeping what was generated.
    package func generate(
        prompt: [Int32], parameters: GenerationParameters, shouldStop: () -> Bool = { false },
        emit: (String) -> Void
    ) throws(GenerationError) -> GenerationResult {
        guard !prompt.isEmpty else { throw .emptyPrompt }
        let transformer = self.transformer
        let capacity = transformer.contextCapacity
        guard prompt.count < capacity else { throw .promptTooLong(tokens: prompt.count, context: capacity) }
        let clock = ContinuousClock()

        // Reuse the cached prefix; at least one token must run to produce logits.
        let reused = min(transformer.cache.sharedPrefixLength(with: prompt), prompt.count - 1)
        transformer.truncate(to: reused)
        let prefillStart = clock.now
        var logits = transformer.forward(prompt[reused...])
        let prefillDuration = clock.now - prefillStart

        var sampler = Sampler(options: parameters.sampling)
        var decoder = StreamingDecoder(tokenizer: self.tokenizer)
        var filter = StopSequenceFilter(parameters.stopSequences)
        var result = GenerationResult(
            text: "", tokens: [], promptTokens: prompt.count, reusedPromptTokens: reused, finishReason: .length,
            prefillDuration: prefillDuration, decodeDuration: .zero)
        let limit = parameters.maxTokens ?? Int.max
        let endTokens = self.tokenizer.endOfGenerationTokens
        let decodeStart = clock.now

        func show(_ text: String) {
            guard !text.isEmpty else { return }
            result.text += text
            emit(text)
        }

        while result.tokens.count < limit {
            if shouldStop() {
                result.finishReason = .cancelled
                break
            }
            let token = sampler.sample(logits, history: transformer.cache.tokens[...])
            if endTokens.contains(token) {
                result.finishReason = .stop
                break
            }
            result.tokens.append(token)
            show(filter.append(decoder.append(token)))
            if filter.stopped {
                result.finishReason = .stop
                break
            }
            guard transformer.position < capacity else { break }
            logits = transformer.forward(CollectionOfOne(token))
        }
        show(filter.append(decoder.finish()))
        show(filter.finish())
        result.decodeDuration = clock.now - decodeStart
        return result
    }
}
