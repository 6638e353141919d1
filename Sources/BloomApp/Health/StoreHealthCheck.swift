import BloomStore

/// The database answers a trivial query. Critical: chat cannot keep a transcript without it.
struct StoreHealthCheck: HealthCheck {
    let store: any Store
    /// `sqlite` or `postgres`, shown as the detail when the store answers.
    let kind: String

    var name: String { "store" }
    var isCritical: Bool { true }

    func check() async -> HealthCheckOutcome {
        do {
            try await self.store.ping()
            return HealthCheckOutcome(.ok, detail: self.kind)
        } catch {
            return HealthCheckOutcome(.down, detail: error.message)
        }
    }
}
