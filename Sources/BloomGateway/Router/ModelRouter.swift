public import BloomCore
public import BloomHTTP

/// Chooses a model for each request and keeps the gateway's promise: an answer from the first
/// candidate that can give one, on time, or a clear failure.
///
/// Candidates come from the request's model, or its task type's priority list. Each is tried
/// on its least busy endpoint that is not cooling down; a retryable failure before the first
/// token is retried (with backoff) and then falls back to the next model. Once the first token
/// is out, nothing is retried: a later failure ends the stream with an error, because the
/// client already has text. Time budgets: first token, stall between tokens, overall deadline.
public final class ModelRouter: Sendable {
    public let catalogue: Catalogue
    public let policy: RouterPolicy
    /// What every attempt did, per model and per deployment; shared across reloads.
    public let metrics: ModelMetrics
    private let health: DeploymentHealth
    private let slots: DeploymentSlots
    private let makeProvider: @Sendable (CatalogueModel, String) -> any ModelProvider

    /// - Parameter makeProvider: the provider for a model on one of its endpoints.
    public init(
        catalogue: Catalogue,
        policy: RouterPolicy = RouterPolicy(),
        metrics: ModelMetrics = ModelMetrics(),
        makeProvider: @escaping @Sendable (CatalogueModel, String) -> any ModelProvider
    ) {
        self.catalogue = catalogue
        self.metrics = metrics
        self.policy = policy
        self.health = DeploymentHealth(policy: policy)
        self.slots = DeploymentSlots(limit: policy.concurrencyPerDeployment, queueLimit: policy.queuePerDeployment)
        self.makeProvider = makeProvider
    }

    /// Starts a generation; returns once its first text has arrived.
    ///
    /// - Parameter trace: filled in with attempts, models tried and upstream wait, whatever
    ///   the outcome.
    public func generate(
        _ messages: [ChatMessage],
        options: GenerationOptions = GenerationOptions(),
        task: String = "chat",
        model: String? = nil,
        trace: RoutingTrace? = nil
    ) async throws -> RoutedGeneration {
        let candidates = try self.candidates(task: task, model: model)
        let deadline = MonotonicClock.now() &+ MonotonicClock.nanoseconds(self.policy.deadline)
        var failures: [String] = []
        var attempts = 0
        var queuesFull = 0
        for (index, candidate) in candidates.enumerated() {
            if index > 0 { self.metrics.fellBack(from: candidates[index - 1].name) }
            trace?.reached(candidate.name)
            let estimate = Self.estimatedTokens(messages)
            if let window = candidate.contextWindow, estimate > window {
                failures.append(
                    "\(candidate.name): a prompt of about \(estimate) tokens exceeds its \(window)-token context")
                continue
            }
            var backoff = self.policy.retryBackoff
            for retry in 0...self.policy.retriesPerModel {
                guard let endpoint = self.health.pick(candidate) else {
                    failures.append("\(candidate.name): every endpoint is cooling down after repeated failures")
                    break
                }
                guard MonotonicClock.now() < deadline else {
                    failures.append("the overall deadline of \(self.policy.deadline) passed")
                    throw RouterError.allFailed(failures)
                }
                let key = DeploymentHealth.key(candidate.name, endpoint)
                guard await self.slots.acquire(key, limit: candidate.concurrency) else {
                    try Task.checkCancellation()
                    failures.append("\(candidate.name) at \(endpoint): its queue is full")
                    queuesFull += 1
                    break
                }
                attempts += 1
                self.metrics.attempt([candidate.name, key], isRetry: retry > 0)
                let attemptStarted = MonotonicClock.now()
                do {
                    // Counted when the attempt returns or throws, before any backoff.
                    defer { trace?.attempted(upstreamNanoseconds: MonotonicClock.now() &- attemptStarted) }
                    let events = try await self.attempt(candidate, endpoint, messages, options, deadline: deadline)
                    return RoutedGeneration(
                        model: candidate.name,
                        endpoint: endpoint,
                        attempts: attempts,
                        fallbacks: index,
                        events: events
                    )
                } catch let error as ProviderError {
                    self.slots.release(key)
                    self.metrics.failed([candidate.name, key], kind: error.kind.rawValue)
                    trace?.failed(kind: error.kind.rawValue)
                    failures.append("\(candidate.name) at \(endpoint): \(error)")
                    if !error.isRetryable { break }
                } catch {
                    self.slots.release(key)
                    throw error
                }
                if retry < self.policy.retriesPerModel {
                    try await Task.sleep(for: backoff)
                    backoff = backoff * 2
                }
            }
        }
        if queuesFull > 0 && queuesFull == failures.count {
            throw RouterError.overloaded(retryAfterSeconds: 2)
        }
        throw RouterError.allFailed(failures)
    }

    /// Generations of `model` running now and waiting for a slot, over all its endpoints.
    public func load(of model: CatalogueModel) -> (running: Int, waiting: Int) {
        model.endpoints.reduce((0, 0)) { total, endpoint in
            let depth = self.slots.depth(DeploymentHealth.key(model.name, endpoint))
            return (total.0 + depth.running, total.1 + depth.waiting)
        }
    }

    private func candidates(task: String, model: String?) throws(RouterError) -> [CatalogueModel] {
        if let model {
            guard let found = self.catalogue.model(named: model) else { throw .unknownModel(model) }
            return [found]
        }
        guard let list = self.catalogue.candidates(forTask: task) else { throw .unknownTask(task) }
        return list
    }

    /// A rough token count (four characters a token), only to skip models whose context is
    /// clearly too small; the provider's own count is authoritative.
    static func estimatedTokens(_ messages: [ChatMessage]) -> Int {
        messages.reduce(0) { $0 + $1.content.utf8.count / 4 + 4 }
    }

    /// One try on one endpoint: returns the event stream once its first event arrived.
    private func attempt(
        _ model: CatalogueModel,
        _ endpoint: String,
        _ messages: [ChatMessage],
        _ options: GenerationOptions,
        deadline: UInt64
    ) async throws -> AsyncThrowingStream<ChatEvent, any Error> {
        let key = DeploymentHealth.key(model.name, endpoint)
        let provider = self.makeProvider(model, endpoint)
        let request = ChatRequest(
            model: model.upstreamModel,
            messages: messages,
            options: Self.merged(options, over: model.defaultOptions)
        )
        let budget = min(self.policy.firstTokenTimeout, Self.remaining(until: deadline))
        self.health.started(key)

        // One task owns the provider's stream, so that cancelling it (on a timeout) reliably
        // stops the generation upstream; the router reads what it forwards.
        let (forwarded, input) = AsyncThrowingStream<ChatEvent, any Error>.makeStream()
        let pump = Task {
            do {
                for try await event in try await provider.chat(request) { input.yield(event) }
                input.finish()
            } catch {
                input.finish(throwing: error)
            }
        }
        let box = IteratorBox(forwarded)
        let started = MonotonicClock.now()
        let first: ChatEvent
        do {
            first = try await withTimeout(
                budget, onTimeout: ProviderError(.timedOut, "no first token within \(budget)")
            ) {
                guard let first = try await box.next() else {
                    throw ProviderError(.malformed, "the stream ended before any text")
                }
                return first
            }
        } catch {
            pump.cancel()
            self.health.ended(key, success: false)
            throw error
        }
        let keys = [model.name, key]
        self.metrics.firstToken(
            keys, milliseconds: MonotonicClock.milliseconds(from: started, to: MonotonicClock.now()))
        return self.relay(first: first, rest: box, pump: pump, keys: keys, started: started, deadline: deadline)
    }

    /// The events after the first, each within the stall timeout and the deadline.
    private func relay(
        first: ChatEvent,
        rest box: IteratorBox,
        pump: Task<Void, Never>,
        keys: [String],
        started: UInt64,
        deadline: UInt64
    ) -> AsyncThrowingStream<ChatEvent, any Error> {
        let key = keys[1]
        let metrics = self.metrics
        @Sendable func finished(_ event: ChatEvent) {
            guard case .done(let summary) = event else { return }
            let elapsed = MonotonicClock.milliseconds(from: started, to: MonotonicClock.now())
            metrics.succeeded(keys, milliseconds: elapsed, summary: summary)
        }
        let policy = self.policy
        let health = self.health
        let slots = self.slots
        return AsyncThrowingStream { continuation in
            let task = Task {
                defer { slots.release(key) }
                continuation.yield(first)
                if case .done = first {
                    finished(first)
                    health.ended(key, success: true)
                    continuation.finish()
                    return
                }
                do {
                    while true {
                        let budget = min(policy.stallTimeout, Self.remaining(until: deadline))
                        let next = try await withTimeout(
                            budget,
                            onTimeout: ProviderError(.failedMidStream, "no token for \(budget); the stream stalled")
                        ) { try await box.next() }
                        guard let event = next else {
                            throw ProviderError(.failedMidStream, "the stream ended without its summary")
                        }
                        continuation.yield(event)
                        if case .done = event {
                            finished(event)
                            health.ended(key, success: true)
                            continuation.finish()
                            return
                        }
                    }
                } catch is CancellationError {
                    pump.cancel()
                    metrics.failed(keys, kind: "cancelled")
                    health.ended(key, success: nil)
                    continuation.finish(throwing: CancellationError())
                } catch {
                    pump.cancel()
                    // A consumer that left is not the deployment's failure.
                    let kind =
                        Task.isCancelled ? "cancelled" : (error as? ProviderError)?.kind.rawValue ?? "failedMidStream"
                    metrics.failed(keys, kind: kind)
                    health.ended(key, success: Task.isCancelled ? nil : false)
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private static func remaining(until deadline: UInt64) -> Duration {
        let now = MonotonicClock.now()
        return deadline > now ? .nanoseconds(Int64(deadline - now)) : .zero
    }

    /// Request options over the model's defaults: a request value wins.
    static func merged(_ request: GenerationOptions, over defaults: GenerationOptions) -> GenerationOptions {
        var result = defaults
        result.temperature = request.temperature ?? defaults.temperature
        result.topP = request.topP ?? defaults.topP
        result.topK = request.topK ?? defaults.topK
        result.minP = request.minP ?? defaults.minP
        result.repeatPenalty = request.repeatPenalty ?? defaults.repeatPenalty
        result.seed = request.seed ?? defaults.seed
        result.maxTokens = request.maxTokens ?? defaults.maxTokens
        result.contextSize = request.contextSize ?? defaults.contextSize
        result.stop = request.stop.isEmpty ? defaults.stop : request.stop
        result.jsonOutput = request.jsonOutput || defaults.jsonOutput
        return result
    }
}

extension ModelRouter {
    /// The provider for each catalogue model: Ollama's or the OpenAI-compatible one, sharing
    /// one HTTP client, or the embedded engine's for the model's file, kept loaded for
    /// `keepAlive` after each request.
    public static func providers(
        client: HTTPClient, embedded: EmbeddedModels, keepAlive: ModelKeepAlive
    ) -> @Sendable (CatalogueModel, String) -> any ModelProvider {
        { model, endpoint in
            switch model.provider {
            case .ollama: OllamaProvider(baseURL: endpoint, client: client)
            case .openAI: OpenAIProvider(baseURL: endpoint, apiKey: model.apiKey, client: client)
            case .embedded: embedded.provider(path: endpoint, keepAlive: keepAlive)
            }
        }
    }
}
