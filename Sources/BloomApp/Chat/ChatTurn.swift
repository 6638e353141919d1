import BloomCore
import BloomGateway
import BloomHTTP
import Foundation

/// A chat turn after routing: the visitor's message is stored, a pending answer exists, and
/// either a model has produced its first text or no model could and the fallback text answers.
struct ChatTurn: Sendable {
    enum Source: Sendable {
        case model(RoutedGeneration)
        /// Every candidate failed (or was full) before its first token. `reason` is for the
        /// visitor (no upstream addresses); `detail`, the router's full account, is stored and
        /// logged.
        case fallback(reason: String, detail: String, retryAfterSeconds: Int?)
    }

    let conversationID: UUID
    let visitorMessageID: UUID
    let answerID: UUID
    let answerCreatedAt: Date
    let task: String
    let source: Source
    let prompt: ChatPrompt
    /// The first candidate the router reached, for metrics of fallback answers.
    let firstCandidate: String?
    /// Monotonic nanoseconds when the service took the request.
    let startedAt: UInt64
    /// When routing returned: first text in hand, or fallback decided.
    let routedAt: UInt64
    let attempts: Int
    /// Models given up on before the one that answered (all of them for a fallback answer).
    let fallbacks: Int
    /// Router time before the first token minus the time spent waiting on upstreams.
    let gatewayOverheadMilliseconds: Double

    /// The catalogue name of the model answering; nil for the fallback text.
    var modelUsed: String? {
        if case .model(let generation) = self.source { generation.model } else { nil }
    }

    /// `X-Bloom-Model`, `X-Bloom-Attempts`, `X-Bloom-Fallbacks`, `X-Bloom-Gateway-Overhead-Ms`,
    /// and `X-Bloom-Conversation-Id`, which is how clients of the compatible APIs find the
    /// stored transcript.
    ///
    /// Decided when routing returns, so they also fit a stream's head: they describe how the
    /// answer was routed, not how the stream ended.
    var diagnosticHeaders: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.set("X-Bloom-Conversation-Id", self.conversationID.uuidString.lowercased())
        headers.set("X-Bloom-Model", self.modelUsed ?? "none")
        headers.set("X-Bloom-Attempts", String(self.attempts))
        headers.set("X-Bloom-Fallbacks", String(self.fallbacks))
        headers.set("X-Bloom-Gateway-Overhead-Ms", String(format: "%.2f", self.gatewayOverheadMilliseconds))
        if case .fallback(_, _, let retryAfter?) = self.source { headers.set("Retry-After", String(retryAfter)) }
        return headers
    }
}

/// How a turn ended, as stored and as answered.
struct ChatOutcome: Sendable {
    let turn: ChatTurn
    let text: String
    let status: StoredMessageStatus
    /// Why the answer failed, for `failed`: the full account, for the store and the log.
    let error: String?
    /// The kind of failure, which is all a public client is told.
    let errorKind: String?
    let promptTokens: Int
    let completionTokens: Int
    let latencyMilliseconds: Double
    let timeToFirstTokenMilliseconds: Double?
    let tokensPerSecond: Double?
    let finishedAt: Date
    /// The provider's own account of the generation, when it gave one (finish reason, timings).
    let summary: GenerationSummary?
    /// Milliseconds between the first and the last piece of text; nil with fewer than two.
    let streamingMilliseconds: Double?

    /// The router's full account of a fallback answer, with each attempt and endpoint.
    var fallbackDetail: String? {
        if case .fallback(_, let detail, _) = self.turn.source { detail } else { nil }
    }

    var fallbackReason: String? {
        if case .fallback(let reason, _, _) = self.turn.source { reason } else { nil }
    }

    /// The body of `POST /api/chat/message` and of the stream's `done` event.
    var json: [String: Any] {
        var object: [String: Any] = [
            "response": self.text,
            "conversation_id": self.turn.conversationID.uuidString.lowercased(),
            "message_id": self.turn.answerID.uuidString.lowercased(),
            "model_used": self.turn.modelUsed.map { $0 as Any } ?? NSNull(),
            "fallback": self.fallbackReason != nil,
            "usage": [
                "prompt_tokens": self.promptTokens,
                "completion_tokens": self.completionTokens,
                "total_tokens": self.promptTokens + self.completionTokens,
            ],
            "timings": [
                "latency_ms": Self.rounded(self.latencyMilliseconds),
                "time_to_first_token_ms": self.timeToFirstTokenMilliseconds.map { Self.rounded($0) as Any } ?? NSNull(),
                "tokens_per_second": self.tokensPerSecond.map { Self.rounded($0) as Any } ?? NSNull(),
            ],
            "timestamp": ChatJSON.timestamp(self.finishedAt),
        ]
        if let reason = self.fallbackReason { object["fallback_reason"] = reason }
        return object
    }

    private static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
