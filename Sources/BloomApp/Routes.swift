import BloomHTTP

/// Every route Bloom serves, in one table, read top to bottom.
///
/// Anything not listed here falls through to the static files of `Public/`.
extension BloomService {
    static func routes(
        health: HealthHandlers,
        info: InfoHandler,
        models: ModelHandlers,
        modelTest: ModelTestHandler,
        benchmark: ModelBenchmarkHandler,
        chat: ChatHandlers?,
        metrics: ModelMetricsHandler?,
        openAI: OpenAIAdapter?,
        ollama: OllamaAdapter?
    ) -> Router {
        var router = Router()

        // MARK: - Operations (public, cheap, never touch a model)

        router.get("/health", .sync(health.overall))
        router.get("/health/live", .sync(health.live))
        router.get("/health/ready", .sync(health.ready))
        router.get("/health/stream", .sync(health.stream))
        router.get("/info", .sync(info.info))

        // MARK: - Models (public, from memory: probes run in the background)

        router.get("/api/models", .sync(models.list))
        router.post("/api/models/benchmark", .async(benchmark.benchmark))
        if let metrics {
            // Stored per-request metrics, aggregated by model and task.
            router.get("/api/models/metrics", .async(metrics.summary))
        }
        router.get("/api/models/tasks/{task}", .sync(models.task))
        router.get("/api/models/{name}", .sync(models.detail))
        // Runs a real generation on the named model.
        router.post("/api/models/{name}/test", .async(modelTest.test))
        router.post("/api/models/{name}/warmup", .async(modelTest.warmup))

        // MARK: - Chat (public; needs the store)

        if let chat {
            router.post("/api/chat/message", .async(chat.message))
            router.post("/api/chat/stream", .async(chat.stream))
            router.get("/api/chat/history/{id}", .async(chat.history))
            router.delete("/api/chat/history/{id}", .async(chat.delete))
        }

        // MARK: - OpenAI-compatible API (adapter onto the chat path; bearer keys when configured)

        if let openAI {
            router.get("/v1/models", .sync(openAI.models))
            router.post("/v1/chat/completions", .async(openAI.chatCompletions))
        }

        // MARK: - Ollama-compatible API (adapter onto the chat path)

        // `POST /api/chat` is a literal path of its own: it never matches `/api/chat/message`,
        // `/api/chat/stream` or `/api/chat/history/{id}`, nor they it.
        if let ollama {
            router.get("/api/version", .sync(ollama.version))
            router.get("/api/tags", .async(ollama.tags))
            router.get("/api/ps", .async(ollama.running))
            router.post("/api/show", .sync(ollama.show))
            router.post("/api/chat", .async(ollama.chat))
            router.post("/api/generate", .async(ollama.generate))
        }

        return router
    }
}
