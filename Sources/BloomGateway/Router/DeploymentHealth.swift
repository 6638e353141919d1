import BloomCore
import Synchronization

/// Consecutive failures and cooldowns per deployment (model name and endpoint).
final class DeploymentHealth: Sendable {
    private struct Record {
        var failures = 0
        var coolingUntil: UInt64 = 0
        var inFlight = 0
    }

    /// Owned by the mutex: one record per `model|endpoint`.
    private let records = Mutex<[String: Record]>([:])
    private let policy: RouterPolicy

    init(policy: RouterPolicy) { self.policy = policy }

    static func key(_ model: String, _ endpoint: String) -> String { model + "|" + endpoint }

    /// The endpoint to use next: not cooling down, fewest requests in flight; nil when all cool.
    func pick(_ model: CatalogueModel) -> String? {
        let now = MonotonicClock.now()
        return self.records.withLock { records in
            model.endpoints
                .filter { (records[Self.key(model.name, $0)]?.coolingUntil ?? 0) <= now }
                .min {
                    (records[Self.key(model.name, $0)]?.inFlight ?? 0)
                        < (records[Self.key(model.name, $1)]?.inFlight ?? 0)
                }
        }
    }

    func started(_ key: String) { self.records.withLock { $0[key, default: Record()].inFlight += 1 } }

    func ended(_ key: String, success: Bool?) {
        let cooldown = MonotonicClock.nanoseconds(self.policy.cooldown)
        self.records.withLock { records in
            var record = records[key, default: Record()]
            record.inFlight -= 1
            if success == true { record.failures = 0 }
            if success == false {
                record.failures += 1
                if record.failures >= self.policy.failuresBeforeCooldown {
                    record.coolingUntil = MonotonicClock.now() &+ cooldown
                    record.failures = 0
                }
            }
            records[key] = record
        }
    }

    func isCooling(_ key: String) -> Bool {
        let now = MonotonicClock.now()
        return self.records.withLock { ($0[key]?.coolingUntil ?? 0) > now }
    }
}
