import BloomCore
import BloomGateway
import BloomHTTP
import BloomStore
import Foundation

/// The native chat path: what `POST /api/chat/message` and `/api/chat/stream` run, and what the
/// OpenAI- and Ollama-compatible adapters (`Compat/`) run too.
///
/// A turn goes: check the request against the store and catalogue, store the visitor's message
/// and a pending answer, build the prompt from the conversation, route it (``begin(_:)``), then
/// relay the answer and store how it ended (``complete(_:onDelta:)``). The visitor's message is
/// stored before any model is called, so a failing model never loses it.
final class ChatService: Sendable {
    let gateway: Gateway
    let store: any Store
    let systemPrompt: String
    let fallbackMessage: String
    let metrics: MetricsRecorder
    let logger: Logger
    /// Earlier messages read for a prompt; older ones would be trimmed by any real window anyway.
    static let historyLimit = 200

    init(
        gateway: Gateway, store: any Store, systemPrompt: String, fallbackMessage: String, metrics: MetricsRecorder,
        logger: Logger
    ) {
        self.gateway = gateway
        self.store = store
        self.systemPrompt = systemPrompt
        self.fallbackMessage = fallbackMessage
        self.metrics = metrics
        self.logger = logger
    }

    /// Stores the visitor's message and routes the prompt; returns once the answer's first
    /// text is in hand or the fallback text is chosen.
    ///
    /// Throws 404 for an unknown conversation, task or model, before anything is stored.
    func begin(_ input: ChatInput) async throws -> ChatTurn {
        let startedAt = MonotonicClock.now()
        let existing = try await self.conversation(input.conversationID)
        let task = input.task ?? existing?.task ?? "chat"
        let parts = self.gateway.current
        let candidates = try Self.candidates(parts.catalogue, task: task, model: input.model)

        let conversation = existing ?? Conversation(task: task, metadata: input.metadata)
        let history: [StoredMessage]
        if existing == nil {
            history = []
        } else {
            let count = try await self.store.messageCount(conversation: conversation.id)
            let offset = max(0, count - Self.historyLimit)
            history = try await self.store.messages(
                conversation: conversation.id, limit: Self.historyLimit, offset: offset)
        }
        let budget = Self.promptBudget(candidates)
        let prompt =
            input.clientConversation.map { ChatPrompt(conversation: $0, budget: budget) }
            ?? ChatPrompt(system: self.systemPrompt, history: history, message: input.message, budget: budget)

        // The visitor's words are kept whatever the model does next: stored, with a new chat's
        // conversation and the pending answer, in one transaction before the model is called.
        let visitor = StoredMessage(conversationID: conversation.id, role: .user, content: input.message)
        let answer = StoredMessage(conversationID: conversation.id, role: .assistant, content: "", status: .pending)
        try await self.store.addMessages([visitor, answer], creating: existing == nil ? conversation : nil)

        let trace = RoutingTrace()
        let routeStarted = MonotonicClock.now()
        let source: ChatTurn.Source
        do {
            let generation = try await parts.router.generate(
                prompt.messages, options: input.options, task: task, model: input.model, trace: trace)
            source = .model(generation)
        } catch let error as RouterError {
            guard input.answersWithFallback else {
                throw await self.unanswered(error, answer: answer, task: task, trace: trace, startedAt: startedAt)
            }
            source = .fallback(
                reason: Self.publicReason(error, trace: trace), detail: error.description,
                retryAfterSeconds: Self.retryAfter(error))
        } catch {
            // Most often the client left while the router waited; nothing was generated.
            var ended = answer
            ended.status = error is CancellationError || Task.isCancelled ? .cancelled : .failed
            ended.error = "\(error)"
            await self.finish(ended)
            throw error
        }
        let routedAt = MonotonicClock.now()
        let routerMilliseconds = MonotonicClock.milliseconds(from: routeStarted, to: routedAt)
        let upstreamMilliseconds =
            Double(trace.upstreamWait.components.attoseconds) / 1e15
            + Double(trace.upstreamWait.components.seconds) * 1000
        let fallbacks: Int
        if case .model(let generation) = source {
            fallbacks = generation.fallbacks
        } else {
            fallbacks = trace.modelsTried.count
        }
        return ChatTurn(
            conversationID: conversation.id, visitorMessageID: visitor.id, answerID: answer.id,
            answerCreatedAt: answer.createdAt, task: task,
            source: source, prompt: prompt, firstCandidate: trace.modelsTried.first ?? candidates.first?.name,
            startedAt: startedAt, routedAt: routedAt, attempts: trace.attempts, fallbacks: fallbacks,
            gatewayOverheadMilliseconds: max(0, routerMilliseconds - upstreamMilliseconds))
    }

    /// Relays the answer's text to `onDelta` until it ends, then stores it as complete,
    /// cancelled (the task was cancelled or `onDelta` threw: the client left) or failed.
    ///
    /// Never throws: how the answer ended is in the outcome.
    func complete(_ turn: ChatTurn, onDelta: @Sendable (String) async throws -> Void) async -> ChatOutcome {
        var relay = AnswerRelay()
        switch turn.source {
        case .fallback:
            relay.text = self.fallbackMessage
            relay.status = .complete
            // A client that left still gets its answer stored: it is ours, not a model's.
            try? await onDelta(self.fallbackMessage)
        case .model(let generation):
            await relay.run(generation.events, onDelta: onDelta)
        }
        let outcome = relay.outcome(turn)
        await self.finish(self.storedAnswer(outcome))
        self.metrics.record(self.metricRecord(outcome))
        var metadata: LogMetadata = [
            "conversation": .string(turn.conversationID.uuidString.lowercased()),
            "model": .string(turn.modelUsed ?? "none"),
            "status": .string(outcome.status.rawValue),
            "fallback": .bool(outcome.fallbackReason != nil),
            "latency_ms": .double(outcome.latencyMilliseconds.rounded()),
        ]
        if let detail = outcome.error ?? outcome.fallbackDetail {
            metadata["error"] = .string(detail)
            self.logger.warning("chat answered without a model's full answer", metadata: metadata)
        } else {
            self.logger.info("chat answered", metadata: metadata)
        }
        return outcome
    }

    /// Ends a turn no model answered, for clients that take an error rather than the fallback
    /// text: the answer is stored failed, the metric kept, and the error to throw returned
    /// (503 with `Retry-After` when every model was busy, 502 otherwise).
    private func unanswered(
        _ error: RouterError, answer: StoredMessage, task: String, trace: RoutingTrace, startedAt: UInt64
    ) async -> HTTPError {
        var ended = answer
        ended.status = .failed
        ended.error = error.description
        await self.finish(ended)
        let latency = MonotonicClock.milliseconds(from: startedAt, to: MonotonicClock.now())
        self.metrics.record(
            ModelMetricRecord(
                at: Date(), model: trace.modelsTried.first ?? "none", task: task, success: false,
                failureKind: "allFailed", latencyMilliseconds: latency, timeToFirstTokenMilliseconds: nil,
                promptTokens: 0, completionTokens: 0, fallback: false))
        self.logger.warning(
            "chat unanswered: no model could answer",
            metadata: [
                "conversation": .string(answer.conversationID.uuidString.lowercased()),
                "error": .string(error.description),
            ])
        let reason = Self.publicReason(error, trace: trace)
        var headers: HTTPHeaders = ["X-Bloom-Conversation-Id": answer.conversationID.uuidString.lowercased()]
        if let seconds = Self.retryAfter(error) {
            headers.set("Retry-After", String(seconds))
            return HTTPError(
                .serviceUnavailable, code: "models_busy", message: "No model can take the request now: \(reason).",
                headers: headers)
        }
        return HTTPError(
            .badGateway, code: "models_failed", message: "No model could answer: \(reason).", headers: headers)
    }

    /// Writes the ended answer in a task of its own, so a cancelled request still records it.
    private func finish(_ answer: StoredMessage) async {
        let store = self.store
        let result = await Task { () -> StoreError? in
            do throws(StoreError) {
                try await store.finishMessage(answer)
                return nil
            } catch {
                return error
            }
        }.value
        if let result {
            self.logger.error(
                "chat answer not stored",
                metadata: ["message": .string(answer.id.uuidString.lowercased()), "error": .string("\(result)")])
        }
    }

    private func conversation(_ id: UUID?) async throws -> Conversation? {
        guard let id else { return nil }
        guard let found = try await self.store.conversation(id: id) else {
            throw HTTPError.notFound(
                "The field \"conversation_id\" names no conversation: \(id.uuidString.lowercased()).",
                code: "conversation_not_found")
        }
        return found
    }

    /// The models that may answer, checked before anything is stored.
    private static func candidates(_ catalogue: Catalogue, task: String, model: String?) throws -> [CatalogueModel] {
        if let model {
            guard let found = catalogue.model(named: model) else {
                throw HTTPError.notFound(
                    "The field \"model\" names no model in the catalogue: \"\(model)\"; GET /api/models lists them.",
                    code: "model_not_found")
            }
            return [found]
        }
        guard let list = catalogue.candidates(forTask: task) else {
            let known = catalogue.tasks.keys.sorted().joined(separator: ", ")
            throw HTTPError.notFound(
                "The field \"task\" names no task type in the catalogue: \"\(task)\"; known: \(known).",
                code: "task_not_found")
        }
        return list
    }

    /// Prompt tokens allowed: the smallest known window among the candidates, less the answer's
    /// reserve, so that any of them can take the prompt when the ones before it fail.
    static func promptBudget(_ candidates: [CatalogueModel]) -> Int? {
        candidates.compactMap { model in
            model.contextWindow.map {
                $0 - ChatPrompt.answerReserve(contextWindow: $0, maxTokens: model.defaultOptions.maxTokens)
            }
        }.min()
    }

    /// Why no model answered, in words fit for a public client: the kind of the last failure,
    /// never upstream addresses or their messages.
    static func publicReason(_ error: RouterError, trace: RoutingTrace) -> String {
        switch error {
        case .overloaded(let seconds): "every model is busy; retry in \(seconds) s"
        case .allFailed:
            "no model could answer (\(Self.counted(trace.attempts, "attempt")) on "
                + "\(Self.counted(trace.modelsTried.count, "model")); last failure: "
                + "\(trace.lastFailureKind ?? "none fitted the prompt or was available"))"
        case .unknownModel, .unknownTask: "the model catalogue changed during the request"
        }
    }

    private static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    private static func retryAfter(_ error: RouterError) -> Int? {
        if case .overloaded(let seconds) = error { seconds } else { nil }
    }
}
