import BloomCore
import BloomGateway
import BloomHTTP
import Foundation

/// `POST /api/models/benchmark`: runs each named model on each prompt, one generation at a
/// time so they do not slow each other, and reports per run and per model.
///
/// Body: `{"models": ["a", "b"], "prompts": ["..."], "max_tokens": 64}`; at most 10 models and
/// 10 prompts, since every run is a real generation.
struct ModelBenchmarkHandler: Sendable {
    let gateway: Gateway
    static let maxItems = 10

    struct Body: Decodable {
        let models: [String]
        let prompts: [String]
        let maxTokens: Int?

        enum CodingKeys: String, CodingKey {
            case models, prompts
            case maxTokens = "max_tokens"
        }
    }

    func benchmark(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let body = try JSONDecoder().decode(Body.self, from: Data(request.body))
        guard (1...Self.maxItems).contains(body.models.count) else {
            throw HTTPError.badRequest(
                "The field \"models\" must list 1 to \(Self.maxItems) model names.", code: "invalid_models")
        }
        guard (1...Self.maxItems).contains(body.prompts.count), !body.prompts.contains(where: \.isEmpty) else {
            throw HTTPError.badRequest(
                "The field \"prompts\" must list 1 to \(Self.maxItems) non-empty prompts.", code: "invalid_prompts")
        }
        let router = self.gateway.current.router
        for name in body.models where router.catalogue.model(named: name) == nil {
            throw RouterError.unknownModel(name)
        }
        var options = GenerationOptions()
        options.maxTokens = min(body.maxTokens ?? 64, 512)

        var runs: [[String: Any]] = []
        var perModel: [String: [[String: Any]]] = [:]
        for model in body.models {
            for prompt in body.prompts {
                try Task.checkCancellation()
                let run = await Self.run(router, model: model, prompt: prompt, options: options)
                runs.append(run)
                perModel[model, default: []].append(run)
            }
        }
        let summaries = body.models.map { model in Self.summary(model, runs: perModel[model] ?? []) }
        return try .json(object: ["runs": runs, "models": summaries])
    }

    /// One generation, measured; a failure is a result, not an error of the whole benchmark.
    private static func run(_ router: ModelRouter, model: String, prompt: String, options: GenerationOptions) async
        -> [String: Any]
    {
        var result: [String: Any] = ["model": model, "prompt": prompt]
        let start = MonotonicClock.now()
        do {
            let generation = try await router.generate([ChatMessage(.user, prompt)], options: options, model: model)
            result["time_to_first_token_ms"] = Self.milliseconds(since: start)
            for try await event in generation.events {
                if case .done(let summary) = event {
                    result["prompt_tokens"] = summary.promptTokens
                    result["completion_tokens"] = summary.completionTokens
                    if let rate = summary.tokensPerSecond { result["tokens_per_second"] = (rate * 10).rounded() / 10 }
                }
            }
            result["ok"] = true
        } catch {
            result["ok"] = false
            result["error"] = "\(error)"
        }
        result["latency_ms"] = Self.milliseconds(since: start)
        return result
    }

    private static func summary(_ model: String, runs: [[String: Any]]) -> [String: Any] {
        let succeeded = runs.filter { $0["ok"] as? Bool == true }
        var object: [String: Any] = ["model": model, "runs": runs.count, "succeeded": succeeded.count]
        let latencies = succeeded.compactMap { $0["latency_ms"] as? Double }
        if !latencies.isEmpty {
            object["mean_latency_ms"] = (latencies.reduce(0, +) / Double(latencies.count) * 10).rounded() / 10
        }
        let rates = succeeded.compactMap { $0["tokens_per_second"] as? Double }
        if !rates.isEmpty {
            object["mean_tokens_per_second"] = (rates.reduce(0, +) / Double(rates.count) * 10).rounded() / 10
        }
        return object
    }

    private static func milliseconds(since start: UInt64) -> Double {
        (MonotonicClock.milliseconds(from: start, to: MonotonicClock.now()) * 10).rounded() / 10
    }
}
