public import BloomHTTP

/// The router's limits and time budgets.
public struct RouterPolicy: Sendable {
    /// From sending a request to its first token; long enough for a cold model load.
    public var firstTokenTimeout: Duration = .seconds(120)
    /// Longest silence between two tokens once text flows.
    public var stallTimeout: Duration = .seconds(30)
    /// Whole request, all attempts included (`OLLAMA_TIMEOUT`).
    public var deadline: Duration = .seconds(300)
    /// Extra tries of one model before falling back to the next (only before the first token).
    public var retriesPerModel = 1
    /// Wait before a retry; doubles each time.
    public var retryBackoff: Duration = .milliseconds(200)
    /// Consecutive failures after which a deployment cools down.
    public var failuresBeforeCooldown = 3
    public var cooldown: Duration = .seconds(30)
    /// Requests one deployment runs at once; more wait in its queue.
    public var concurrencyPerDeployment = 4
    /// Requests that may wait for one deployment; beyond it the next model is tried, and when
    /// every candidate's queue is full the request is refused (503 with Retry-After).
    public var queuePerDeployment = 16

    public init() {}
}

/// Why routing gave no answer.
public enum RouterError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownModel(String)
    case unknownTask(String)
    /// Every candidate failed before its first token; one line per attempt.
    case allFailed([String])
    /// Every candidate's queue is full; try again after the given seconds.
    case overloaded(retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .unknownModel(let name): "no model called \"\(name)\" in the catalogue"
        case .unknownTask(let task): "no task type \"\(task)\" in the catalogue"
        case .allFailed(let attempts): "every model failed: " + attempts.joined(separator: "; ")
        case .overloaded(let seconds): "every model is at its concurrency limit; retry in \(seconds) s"
        }
    }
}

/// A generation that has started: which model answers, how it got there, and the rest of
/// its events (the first text is already in ``firstDelta``).
public struct RoutedGeneration: Sendable {
    public let model: String
    public let endpoint: String
    /// Attempts made, including the one that answered.
    public let attempts: Int
    /// Models given up on before this one.
    public let fallbacks: Int
    /// Every event, starting with the first text.
    public let events: AsyncThrowingStream<ChatEvent, any Error>
}

extension RouterError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        switch self {
        case .unknownModel(let name):
            HTTPError(.notFound, code: "model_not_found", message: "No model called \"\(name)\" in the catalogue.")
        case .unknownTask(let task):
            HTTPError(.notFound, code: "task_not_found", message: "No task type \"\(task)\" in the catalogue.")
        case .allFailed: HTTPError(.badGateway, code: "model_failed", message: self.description)
        case .overloaded(let seconds):
            HTTPError(
                .serviceUnavailable,
                code: "overloaded",
                message: "Every model is busy; retry in \(seconds) s.",
                headers: ["Retry-After": "\(seconds)"]
            )
        }
    }
}
