import BloomGateway
import BloomHTTP
import Foundation

/// `/api/models`, `/api/models/{name}` and `/api/models/tasks/{task}`: the catalogue with each
/// model's probed state, answered from memory.
struct ModelHandlers: Sendable {
    let catalogue: Catalogue
    let health: ModelHealthMonitor
    let metrics: ModelMetrics

    /// `{"models": [{name, provider, health, state, detail}]}`; `health` is true only when ready,
    /// as the runbook's scripts expect, and `state` says more.
    func list(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        try .json(object: ["models": self.catalogue.models.map(self.summary)])
    }

    func detail(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let name = context.parameter("name")
        guard let model = self.catalogue.model(named: name) else {
            throw HTTPError.notFound("No model called \"\(name)\" in the catalogue.", code: "model_not_found")
        }
        var object = self.summary(model)
        object["endpoints"] = model.endpoints
        object["upstream_model"] = model.upstreamModel
        object["context_window"] = model.contextWindow.map { $0 as Any } ?? NSNull()
        object["capabilities"] = model.capabilities
        object["tasks"] = self.catalogue.tasks.filter { $0.value.contains(model.name) }.keys.sorted()
        return try .json(object: object)
    }

    func task(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let task = context.parameter("task")
        guard let candidates = self.catalogue.candidates(forTask: task) else {
            throw HTTPError.notFound("No task type \"\(task)\" in the catalogue.", code: "task_not_found")
        }
        return try .json(object: ["task": task, "models": candidates.map(self.summary)])
    }

    private func summary(_ model: CatalogueModel) -> [String: Any] {
        let status = self.health.status(of: model.name)
        var object: [String: Any] = [
            "name": model.name,
            "provider": model.provider.rawValue,
            "health": status.state == .ready,
            "state": status.state.rawValue,
        ]
        if let detail = status.detail { object["detail"] = detail }
        if let latency = status.latencyMilliseconds { object["probe_latency_ms"] = latency }
        object["metrics"] = Self.json(self.metrics.snapshot(model.name))
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
