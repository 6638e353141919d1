import BloomCore
import BloomGateway
import BloomStore
import Foundation

/// Reads a generation's events, hands each piece of text on, and remembers how it ended.
struct AnswerRelay {
    var text = ""
    var status = StoredMessage.Status.pending
    /// The full failure, for the store and the log.
    var error: String?
    /// The failure's kind (`failedMidStream`, `timedOut`, …), for clients.
    var errorKind: String?
    var summary: GenerationSummary?
    var deltas = 0
    /// Monotonic nanoseconds of the first and the last piece of text.
    var firstTextAt: UInt64?
    var lastTextAt: UInt64?

    /// Consumes `events`; stops early, as `cancelled`, when `onDelta` throws (the client left)
    /// or the task is cancelled. Leaving the loop drops the stream, which stops the upstream.
    mutating func run(
        _ events: AsyncThrowingStream<ChatEvent, any Error>, onDelta: @Sendable (String) async throws -> Void
    ) async {
        do {
            reading: for try await event in events {
                switch event {
                case .delta(let piece):
                    let now = MonotonicClock.now()
                    if self.firstTextAt == nil { self.firstTextAt = now }
                    self.lastTextAt = now
                    self.text += piece
                    self.deltas += 1
                    do {
                        try await onDelta(piece)
                    } catch {
                        self.status = .cancelled
                        break reading
                    }
                case .done(let summary):
                    self.summary = summary
                    self.status = .complete
                }
            }
            if self.status == .pending {
                self.status = Task.isCancelled ? .cancelled : .failed
                if self.status == .failed {
                    self.error = "the stream ended without its summary"
                    self.errorKind = "failedMidStream"
                }
            }
        } catch {
            if error is CancellationError || Task.isCancelled {
                self.status = .cancelled
            } else {
                self.status = .failed
                self.error = "\(error)"
                self.errorKind = (error as? ProviderError)?.kind.rawValue ?? "failedMidStream"
            }
        }
    }

    /// The outcome of `turn`, timed now.
    func outcome(_ turn: ChatTurn) -> ChatOutcome {
        let end = MonotonicClock.now()
        let isModel = turn.modelUsed != nil
        return ChatOutcome(
            turn: turn,
            text: self.text,
            status: self.status,
            error: self.error,
            errorKind: self.errorKind,
            promptTokens: self.summary?.promptTokens ?? (isModel ? turn.prompt.estimatedTokens : 0),
            completionTokens: self.summary?.completionTokens ?? self.deltas,
            latencyMilliseconds: MonotonicClock.milliseconds(from: turn.startedAt, to: end),
            timeToFirstTokenMilliseconds: isModel
                ? MonotonicClock.milliseconds(from: turn.startedAt, to: self.firstTextAt ?? turn.routedAt) : nil,
            tokensPerSecond: self.summary?.tokensPerSecond ?? self.measuredRate,
            finishedAt: Date(),
            summary: self.summary,
            streamingMilliseconds: self.firstTextAt.flatMap { first in
                self.lastTextAt.map { MonotonicClock.milliseconds(from: first, to: $0) }
            }
        )
    }

    /// Pieces per second between the first and last text, when the provider gave no timing.
    private var measuredRate: Double? {
        guard let first = self.firstTextAt, let last = self.lastTextAt, last > first, self.deltas > 1 else {
            return nil
        }
        return Double(self.deltas - 1) / (MonotonicClock.milliseconds(from: first, to: last) / 1000)
    }
}

extension ChatService {
    /// The answer record for `outcome`, replacing the pending one.
    func storedAnswer(_ outcome: ChatOutcome) -> StoredMessage {
        let turn = outcome.turn
        let isModel = turn.modelUsed != nil
        return StoredMessage(
            id: turn.answerID, conversationID: turn.conversationID, role: .assistant, content: outcome.text,
            status: outcome.status, createdAt: turn.answerCreatedAt, model: turn.modelUsed, fallback: !isModel,
            promptTokens: outcome.promptTokens, completionTokens: outcome.completionTokens,
            latencyMilliseconds: outcome.latencyMilliseconds,
            timeToFirstTokenMilliseconds: outcome.timeToFirstTokenMilliseconds,
            error: outcome.error ?? outcome.fallbackDetail)
    }

    /// One metrics row per routed chat: the model that answered, or for a fallback answer the
    /// first candidate, the one the visitor should have had.
    func metricRecord(_ outcome: ChatOutcome) -> ModelMetricRecord {
        let turn = outcome.turn
        let failureKind: String? =
            switch outcome.status {
            case .complete: turn.modelUsed == nil ? "allFailed" : nil
            case .cancelled: "cancelled"
            case .failed: "failedMidStream"
            case .pending: "unfinished"
            }
        return ModelMetricRecord(
            at: outcome.finishedAt, model: turn.modelUsed ?? turn.firstCandidate ?? "none", task: turn.task,
            success: failureKind == nil, failureKind: failureKind, latencyMilliseconds: outcome.latencyMilliseconds,
            timeToFirstTokenMilliseconds: outcome.timeToFirstTokenMilliseconds, promptTokens: outcome.promptTokens,
            completionTokens: outcome.completionTokens, fallback: turn.modelUsed == nil)
    }
}
