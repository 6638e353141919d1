import BloomCore
import BloomGateway
import BloomHTTP
import Foundation

/// `POST /api/models/{name}/test`: prompts one named model through the router (so the real
/// path is exercised: endpoint choice, retries, budgets) and reports text, latency and tokens.
struct ModelTestHandler: Sendable {
    let gateway: Gateway
    static let defaultPrompt = "Say hello in one short sentence."

    struct Body: Decodable {
        let prompt: String?
        let maxTokens: Int?

        enum CodingKeys: String, CodingKey {
            case prompt
            case maxTokens = "max_tokens"
        }
    }

    func test(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let name = context.parameter("name")
        let body = request.body.isEmpty ? nil : try JSONDecoder().decode(Body.self, from: Data(request.body))
        let prompt = body?.prompt ?? Self.defaultPrompt
        guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw HTTPError.badRequest("The field \"prompt\" is empty.", code: "invalid_prompt")
        }
        var options = GenerationOptions()
        options.maxTokens = body?.maxTokens ?? 64

        let start = MonotonicClock.now()
        // Router errors carry their HTTP form: 404 unknown model, 502 failed, 503 busy.
        let generation = try await self.gateway.current.router.generate(
            [ChatMessage(.user, prompt)], options: options, model: name)
        let firstToken = MonotonicClock.now()
        var text = ""
        var summary: GenerationSummary?
        do {
            for try await event in generation.events {
                switch event {
                case .delta(let piece): text += piece
                case .done(let done): summary = done
                }
            }
        } catch {
            throw HTTPError(.badGateway, code: "model_failed", message: "The model stopped mid-answer: \(error)")
        }
        let end = MonotonicClock.now()
        var object: [String: Any] = [
            "model": generation.model,
            "endpoint": generation.endpoint,
            "text": text,
            "attempts": generation.attempts,
            "latency_ms": Self.rounded(MonotonicClock.milliseconds(from: start, to: end)),
            "time_to_first_token_ms": Self.rounded(MonotonicClock.milliseconds(from: start, to: firstToken)),
        ]
        if let summary {
            object["prompt_tokens"] = summary.promptTokens
            object["completion_tokens"] = summary.completionTokens
            if let rate = summary.tokensPerSecond { object["tokens_per_second"] = Self.rounded(rate) }
        }
        return try .json(object: object)
    }

    /// `POST /api/models/{name}/warmup`: one token from the model, so that its 30–120 s first
    /// load happens now rather than while a visitor waits. Answers with the time it took.
    func warmup(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let name = context.parameter("name")
        var options = GenerationOptions()
        options.maxTokens = 1
        let start = MonotonicClock.now()
        let generation = try await self.gateway.current.router.generate(
            [ChatMessage(.user, "Hi")], options: options, model: name)
        for try await _ in generation.events {}
        let elapsed = Self.rounded(MonotonicClock.milliseconds(from: start, to: MonotonicClock.now()))
        return try .json(object: [
            "model": generation.model, "endpoint": generation.endpoint, "warm": true, "took_ms": elapsed,
        ])
    }

    private static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
