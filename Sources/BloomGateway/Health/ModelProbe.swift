import BloomCore
import BloomHTTP
import Foundation

/// One cheap request that tells whether a model is available on an endpoint, without running
/// it: Ollama's `GET /api/tags`, an OpenAI-compatible server's `GET /models`.
enum ModelProbe {
    static func probe(
        _ model: CatalogueModel,
        endpoint: String,
        client: HTTPClient,
        timeout: Duration
    ) async -> ModelStatus {
        let start = MonotonicClock.now()
        let path = model.provider == .ollama ? "/api/tags" : "/models"
        var fields = HTTPHeaders()
        if let key = model.apiKey { fields.add("Authorization", "Bearer \(key)") }
        let headers = fields
        let outcome: ModelStatus
        do {
            let response = try await withTimeout(timeout, onTimeout: HTTPClientError.timedOut("\(endpoint)\(path)")) {
                let response = try await client.execute(
                    ClientRequest(url: endpoint + path, headers: headers), connectTimeout: timeout)
                return (response.status, try await response.collect(limit: 4 * 1024 * 1024))
            }
            outcome = Self.judge(model, endpoint: endpoint, status: response.0, body: response.1)
        } catch {
            outcome = ModelStatus(state: .unreachable, detail: "\(endpoint): \(error)")
        }
        var status = outcome
        status.latencyMilliseconds =
            (MonotonicClock.milliseconds(from: start, to: MonotonicClock.now()) * 100).rounded() / 100
        return status
    }

    /// Reads the model list: the model is there (ready), missing (misconfigured), or the
    /// server is loading (503).
    static func judge(_ model: CatalogueModel, endpoint: String, status: Int, body: [UInt8]) -> ModelStatus {
        if status == 503 { return ModelStatus(state: .loading, detail: "\(endpoint) is loading its model") }
        guard status == 200 else {
            return ModelStatus(state: .unreachable, detail: "\(endpoint) answered HTTP \(status)")
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let names: [String]
        if model.provider == .ollama {
            names = (object?["models"] as? [[String: Any]] ?? []).compactMap {
                $0["name"] as? String ?? $0["model"] as? String
            }
        } else {
            names = (object?["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        let wanted = model.upstreamModel
        let present = names.contains { $0 == wanted || $0 == wanted + ":latest" || wanted == $0 + ":latest" }
        // Single-model servers (llama-server) serve whatever is asked; an empty list is not a miss.
        if present || (model.provider == .openAI && names.count <= 1) {
            return ModelStatus(state: .ready, detail: endpoint)
        }
        let hint = model.provider == .ollama ? "; run `ollama pull \(wanted)`" : ""
        return ModelStatus(state: .misconfigured, detail: "\(endpoint) does not have \"\(wanted)\"\(hint)")
    }
}
