import BloomApp
import BloomTesting
import Foundation
import Testing

/// A check whose answer the test sets.
struct ScriptedCheck: HealthCheck {
    let name: String
    let isCritical: Bool
    let outcome: HealthCheckOutcome
    var delay: Duration = .zero

    func check() async -> HealthCheckOutcome {
        if self.delay > .zero { try? await Task.sleep(for: self.delay) }
        return self.outcome
    }
}

@Suite("HealthMonitor")
struct HealthMonitorTests {
    func monitor(_ checks: [any HealthCheck], timeout: Duration = .seconds(3)) -> HealthMonitor {
        HealthMonitor(checks: checks, checkTimeout: timeout, logger: MemoryLogSink().logger())
    }

    func document(_ monitor: HealthMonitor) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(monitor.snapshot.document)) as? [String: Any])
    }

    @Test(
        "the overall status is the worst that matters: a non-critical dependency down only degrades",
        arguments: [
            ([HealthStatus.ok, .ok], [true, false], HealthStatus.ok),
            ([.ok, .degraded], [true, false], .degraded),
            ([.ok, .down], [true, false], .degraded),
            ([.down, .ok], [true, false], .down),
        ]
    )
    func overall(statuses: [HealthStatus], critical: [Bool], expected: HealthStatus) async throws {
        let checks = zip(statuses, critical).enumerated().map { index, pair in
            ScriptedCheck(name: "dep\(index)", isCritical: pair.1, outcome: HealthCheckOutcome(pair.0))
        }
        let monitor = self.monitor(checks)
        await monitor.refresh()
        #expect(monitor.snapshot.status == expected)
        #expect(try self.document(monitor)["status"] as? String == expected.rawValue)
    }

    @Test("each dependency reports status, latency, criticality and detail")
    func dependencyEntries() async throws {
        let monitor = self.monitor([
            ScriptedCheck(name: "store", isCritical: true, outcome: HealthCheckOutcome(.ok, detail: "sqlite")),
            ScriptedCheck(name: "redis", isCritical: false, outcome: HealthCheckOutcome(.down, detail: "refused")),
        ])
        await monitor.refresh()
        let dependencies = try #require(try self.document(monitor)["dependencies"] as? [String: [String: Any]])
        #expect(dependencies["store"]?["status"] as? String == "ok")
        #expect(dependencies["store"]?["detail"] as? String == "sqlite")
        #expect(dependencies["store"]?["critical"] as? Bool == true)
        #expect(dependencies["redis"]?["status"] as? String == "down")
        #expect(dependencies["redis"]?["latency_ms"] is Double)
    }

    @Test("a check that does not answer in time counts as down, and the refresh still ends")
    func slowCheck() async throws {
        let slow = ScriptedCheck(name: "model", isCritical: true, outcome: HealthCheckOutcome(.ok), delay: .seconds(30))
        let monitor = self.monitor([slow], timeout: .milliseconds(200))
        let start = ContinuousClock.now
        await monitor.refresh()
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(monitor.snapshot.status == .down)
    }

    @Test("readiness waits for every condition, and turns off for good when draining")
    func readiness() async {
        let monitor = HealthMonitor(
            checks: [],
            readinessConditions: ["startup", "chat"],
            logger: MemoryLogSink().logger()
        )
        #expect(monitor.readiness.ready == false)
        #expect(monitor.readiness.waitingFor == ["chat", "startup"])
        monitor.setCondition("startup", met: true)
        #expect(monitor.readiness.waitingFor == ["chat"])
        monitor.setCondition("chat", met: true)
        #expect(monitor.readiness.ready)
        monitor.beginDraining()
        #expect(monitor.readiness.ready == false)
        #expect(monitor.readiness.draining)
    }

    @Test("the version only moves when the document's content changes")
    func versions() async {
        let monitor = self.monitor([ScriptedCheck(name: "a", isCritical: true, outcome: HealthCheckOutcome(.ok))])
        await monitor.refresh()
        let first = monitor.snapshot.version
        await monitor.refresh()
        #expect(monitor.snapshot.version == first)
    }
}
