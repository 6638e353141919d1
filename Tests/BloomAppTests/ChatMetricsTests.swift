import BloomStore
import BloomTesting
import Foundation
import Testing

@testable import BloomApp

/// Per-chat metrics rows: batched into the store, flushed at shutdown, summarised by
/// `GET /api/models/metrics`.
@Suite("Chat metrics")
struct ChatMetricsTests {
    @Test(
        "each chat writes one metrics row; the endpoint sums them by model and task",
        arguments: TestDatabase.available)
    func summary(database: TestDatabase) async throws {
        let harness = try await ChatHarness(database, .answer(["Fine"]))
        #expect(try await harness.chat("One").status == 200)
        #expect(try await harness.chat("Two").status == 200)
        harness.fake.setBehavior(.status(500, "down"))
        #expect(try await harness.chat("Three").json["fallback"] as? Bool == true)

        let response = try await harness.get("/api/models/metrics")
        #expect(response.status == 200)
        #expect(ChatJSONTimestamp.parse(response.json["start"] as? String) != nil)
        let models = try #require(response.json["models"] as? [[String: Any]])
        let small = try #require(models.first { $0["model"] as? String == "small" })
        #expect(small["task"] as? String == "chat")
        #expect(small["requests"] as? Int == 3)
        #expect(small["successes"] as? Int == 2)
        #expect(small["fallbacks"] as? Int == 1)
        #expect(small["completion_tokens"] as? Int == 2)
        #expect(small["average_latency_ms"] as? Double ?? 0 > 0)

        let past = try await harness.get("/api/models/metrics?start=2020-01-01T00:00:00Z&end=2020-01-02T00:00:00Z")
        #expect((past.json["models"] as? [Any])?.isEmpty == true)
        #expect(try await harness.get("/api/models/metrics?start=yesterday").errorCode == "invalid_start")
        await harness.stop()
    }

    @Test(
        "stopping the service flushes rows still waiting for their batch",
        arguments: TestDatabase.available)
    func flushOnStop(database: TestDatabase) async throws {
        let harness = try await ChatHarness(database, .answer(["Fine"]))
        #expect(try await harness.chat("One").status == 200)
        #expect(harness.service.metricsRecorder?.pending == 1)
        await harness.stop(keepingFiles: true)

        // The service closed its store; the rows must be in the file.
        let reopened = try await ChatHarness.openStore(harness.databaseURL)
        let now = Date()
        let rows = try await reopened.metricsSummary(from: now.addingTimeInterval(-60), to: now.addingTimeInterval(60))
        #expect(rows.map(\.requests) == [1])
        #expect(rows.first?.model == "small")
        await reopened.close()
        try? FileManager.default.removeItem(atPath: harness.directory)
    }

    @Test(
        "a full batch is written without waiting for the interval",
        arguments: TestDatabase.available)
    func batchSize(database: TestDatabase) async throws {
        let directory = NSTemporaryDirectory() + "bloom-metrics-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try await ChatHarness.openStore(try database.freshURL(in: directory))
        let recorder = MetricsRecorder(
            store: store, batchSize: 3, interval: .seconds(3600), logger: MemoryLogSink().logger())
        let record = ModelMetricRecord(at: Date(), model: "m", task: "chat", success: true, latencyMilliseconds: 5)
        recorder.record(record)
        recorder.record(record)
        #expect(recorder.pending == 2)
        recorder.record(record)
        let probe = Probe()
        let written = await probe.waitUntil {
            recorder.pending == 0
        }
        #expect(written)
        var summary: [ModelMetricSummary] = []
        for _ in 0..<100 where summary.first?.requests != 3 {
            summary = try await store.metricsSummary(
                from: Date().addingTimeInterval(-60), to: Date().addingTimeInterval(60))
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(summary.first?.requests == 3)
        await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
