import BloomGateway

/// `/health`'s `models` entry: probes the catalogue (through ``ModelHealthMonitor``) and keeps
/// the readiness condition `chat` in step with whether any chat model is ready.
///
/// Not critical: without a model Bloom still serves its site and data, so it is degraded, not
/// down.
struct ModelsHealthCheck: HealthCheck {
    let gateway: Gateway
    let readiness: @Sendable (Bool) -> Void

    var name: String { "models" }
    var isCritical: Bool { false }

    func check() async -> HealthCheckOutcome {
        let models = self.gateway.current.models
        await models.refresh()
        let catalogue = models.catalogue
        let canChat = models.canServe(task: "chat")
        self.readiness(canChat)
        guard !catalogue.models.isEmpty else {
            return HealthCheckOutcome(.degraded, detail: "no models configured; set OLLAMA_MODEL or bloom.json models")
        }
        let ready = catalogue.models.filter { models.status(of: $0.name).state == .ready }.map(\.name)
        if canChat {
            return HealthCheckOutcome(.ok, detail: "ready: " + ready.joined(separator: ", "))
        }
        let states = catalogue.models.map { "\($0.name) \(models.status(of: $0.name).state.rawValue)" }
        return HealthCheckOutcome(.degraded, detail: "no chat model is ready (" + states.joined(separator: ", ") + ")")
    }
}
