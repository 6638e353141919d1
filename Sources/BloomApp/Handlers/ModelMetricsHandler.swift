import BloomHTTP
import BloomStore
import Foundation

/// `GET /api/models/metrics?start=&end=`: the stored per-request metrics aggregated by model
/// and task over [start, end), ISO 8601 times, by default the last 24 hours.
struct ModelMetricsHandler: Sendable {
    let store: any Store
    let recorder: MetricsRecorder

    func summary(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        let query = request.query
        let end = try Self.time(query["end"], field: "end") ?? Date()
        let start = try Self.time(query["start"], field: "start") ?? end.addingTimeInterval(-24 * 3600)
        guard start < end else {
            throw HTTPError.badRequest("The parameter \"start\" must be before \"end\".", code: "invalid_start")
        }
        // What is still batched in memory belongs in the answer.
        await self.recorder.flush()
        let summaries = try await self.store.metricsSummary(from: start, to: end)
        return try .json(object: [
            "start": ChatJSON.timestamp(start),
            "end": ChatJSON.timestamp(end),
            "models": summaries.map(Self.json),
        ])
    }

    private static func time(_ text: String?, field: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = ChatJSON.date(text) else {
            throw HTTPError.badRequest(
                "The parameter \"\(field)\" is not an ISO 8601 time such as 2026-01-31T09:00:00Z: "
                    + "\"\(text.prefix(40))\".",
                code: "invalid_\(field)")
        }
        return date
    }

    private static func json(_ summary: ModelMetricSummary) -> [String: Any] {
        [
            "model": summary.model,
            "task": summary.task,
            "requests": summary.requests,
            "successes": summary.successes,
            "failures": summary.requests - summary.successes,
            "fallbacks": summary.fallbacks,
            "average_latency_ms": (summary.averageLatencyMilliseconds * 100).rounded() / 100,
            "average_time_to_first_token_ms": summary.averageTimeToFirstTokenMilliseconds.map {
                ($0 * 100).rounded() / 100 as Any
            } ?? NSNull(),
            "prompt_tokens": summary.promptTokens,
            "completion_tokens": summary.completionTokens,
        ]
    }
}
