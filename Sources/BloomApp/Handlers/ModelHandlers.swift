import BloomGateway
import BloomHTTP
import Foundation

/// `/api/models`, `/api/models/{name}` and `/api/models/tasks/{task}`: the catalogue with each
/// model's probed state, answered from memory.
struct ModelHandlers: Sendable {
    let gateway: Gateway

    /// `{"models": [{name, provider, health, state, detail}]}`; `health` is true only when ready,
    /// as the runbook's scripts expect, and `state` says more.
    func list(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let parts = self.gateway.current
        return try .json(object: ["models": parts.catalogue.models.map { Self.summary($0, parts) }])
    }

    func detail(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let name = context.parameter("name")
        let parts = self.gateway.current
        guard let model = parts.catalogue.model(named: name) else {
            throw HTTPError.notFound("No model called \"\(name)\" in the catalogue.", code: "model_not_found")
        }
        var object = Self.summary(model, parts)
        object["endpoints"] = model.endpoints
        object["upstream_model"] = model.upstreamModel
        object["context_window"] = model.contextWindow.map { $0 as Any } ?? NSNull()
        object["capabilities"] = model.capabilities
        object["tasks"] = parts.catalogue.tasks.filter { $0.value.contains(model.name) }.keys.sorted()
        return try .json(object: object)
    }

    func task(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let task = context.parameter("task")
        let parts = self.gateway.current
        guard let candidates = parts.catalogue.candidates(forTask: task) else {
            throw HTTPError.notFound("No task type \"\(task)\" in the catalogue.", code: "task_not_found")
        }
        return try .json(object: ["task": task, "models": candidates.map { Self.summary($0, parts) }])
    }

    private static func summary(_ model: CatalogueModel, _ parts: Gateway.Parts) -> [String: Any] {
        let status = parts.models.status(of: model.name)
        var object: [String: Any] = [
            "name": model.name,
            "provider": model.provider.rawValue,
            "health": status.state == .ready,
            "state": status.state.rawValue,
        ]
        if let detail = status.detail { object["detail"] = detail }
        if let latency = status.latencyMilliseconds { object["probe_latency_ms"] = latency }
        var metrics = Self.json(parts.router.metrics.snapshot(model.name))
        let load = parts.router.load(of: model)
        metrics["in_flight"] = load.running
        metrics["queue_depth"] = load.waiting
        object["metrics"] = metrics
        return object
    }

    /// Metrics in snake_case, with absent percentiles left out.
    static func json(_ snapshot: ModelMetrics.Snapshot) -> [String: Any] {
        var object: [String: Any] = [
            "requests": snapshot.requests,
            "successes": snapshot.successes,
            "failures": snapshot.failures,
            "retries": snapshot.retries,
            "fallbacks": snapshot.fallbacks,
            "tokens_in": snapshot.tokensIn,
            "tokens_out": snapshot.tokensOut,
        ]
        object["latency_p50_ms"] = snapshot.latencyP50Milliseconds
        object["latency_p95_ms"] = snapshot.latencyP95Milliseconds
        object["time_to_first_token_p50_ms"] = snapshot.timeToFirstTokenP50Milliseconds
        object["tokens_per_second"] = snapshot.tokensPerSecond
        return object
    }
}
