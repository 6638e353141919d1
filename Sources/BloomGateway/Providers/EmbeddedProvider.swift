import BloomCore
import BloomEngine
import Foundation
import Synchronization

/// Bloom's own GGUF engine as a provider: the conversation rendered through the model's chat
/// template, generated on the model's thread, streamed as it comes.
///
/// Options map as Ollama maps them onto llama.cpp: `temperature`, `top_k`, `top_p`, `min_p`,
/// `repeat_penalty`, `seed` (absent or negative: random), `stop`, `max_tokens` (absent or not
/// positive: until an end token or the context is full) and `num_ctx` (tokens of context).
/// `jsonOutput` is not supported and is ignored. A request's `keepAlive` (Ollama's syntax)
/// overrides the default keep-alive for the time after it.
public struct EmbeddedProvider: ModelProvider {
    let host: EmbeddedModelHost
    let keepAlive: ModelKeepAlive

    public func chat(_ request: ChatRequest) async throws -> AsyncThrowingStream<ChatEvent, any Error> {
        if self.host.state == .unloaded, !FileManager.default.fileExists(atPath: self.host.path) {
            throw EmbeddedModelHost.missingFile(self.host.path)
        }
        let keepAlive = request.keepAlive.flatMap { ModelKeepAlive(parsing: $0) } ?? self.keepAlive
        let parameters = Self.parameters(request.options)
        let messages = request.messages
        let stopped = StopFlag()
        let (stream, continuation) = AsyncThrowingStream<ChatEvent, any Error>.makeStream()
        // A consumer that stops reading ends the generation at its next token.
        continuation.onTermination = { _ in stopped.set() }
        self.host.submit(
            EmbeddedModelHost.Job(
                keepAlive: keepAlive,
                contextLength: request.options.contextSize,
                isCancelled: { stopped.isSet },
                run: { loaded in
                    Self.generate(messages, parameters, on: loaded, stopped: stopped, into: continuation)
                },
                fail: { continuation.finish(throwing: $0) }
            ))
        return stream
    }

    /// Runs on the model thread: prompt, generation, events.
    private static func generate(
        _ messages: [ChatMessage],
        _ parameters: GenerationParameters,
        on loaded: LoadedEmbeddedModel,
        stopped: StopFlag,
        into continuation: AsyncThrowingStream<ChatEvent, any Error>.Continuation
    ) {
        let turns = messages.map { message in
            ChatTurn(role: ChatTurn.Role(rawValue: message.role.rawValue) ?? .user, content: message.content)
        }
        let text = loaded.template.render(turns)
        let prompt = loaded.generator.tokenizer.encode(text, addSpecial: true, parseSpecial: true)
        var parameters = parameters
        parameters.stopSequences += loaded.template.stopSequences
        do {
            let result = try loaded.generator.generate(
                prompt: prompt,
                parameters: parameters,
                shouldStop: { stopped.isSet },
                emit: { continuation.yield(.delta($0)) }
            )
            let summary = GenerationSummary(
                promptTokens: result.promptTokens,
                completionTokens: result.completionTokens,
                finishReason: result.finishReason.rawValue,
                promptDuration: result.prefillDuration,
                generationDuration: result.decodeDuration
            )
            continuation.yield(.done(summary))
            continuation.finish()
        } catch {
            continuation.finish(throwing: Self.providerError(error))
        }
    }

    private static func providerError(_ error: GenerationError) -> ProviderError {
        switch error {
        case .promptTooLong(let tokens, let context):
            ProviderError(
                .contextExceeded,
                "the prompt is \(tokens) tokens and the model's context holds \(context); "
                    + "shorten the conversation or raise num_ctx")
        case .emptyPrompt:
            ProviderError(.malformed, "the conversation renders to an empty prompt")
        }
    }

    /// The engine's parameters for a request's options; unset options keep the engine's defaults.
    static func parameters(_ options: GenerationOptions) -> GenerationParameters {
        var sampling = SamplingOptions()
        if let value = options.temperature { sampling.temperature = Float(value) }
        if let value = options.topK { sampling.topK = value }
        if let value = options.topP { sampling.topP = Float(value) }
        if let value = options.minP { sampling.minP = Float(value) }
        if let value = options.repeatPenalty { sampling.repeatPenalty = Float(value) }
        if let seed = options.seed, seed >= 0 {
            sampling.seed = UInt64(seed)
        } else {
            sampling.seed = UInt64.random(in: 0...UInt64.max)
        }
        let maxTokens = options.maxTokens.flatMap { $0 > 0 ? $0 : nil }
        return GenerationParameters(sampling: sampling, maxTokens: maxTokens, stopSequences: options.stop)
    }
}

/// Set once when the consumer of a generation goes away; read before every token.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func set() { self.flag.store(true, ordering: .releasing) }

    var isSet: Bool { self.flag.load(ordering: .acquiring) }
}
