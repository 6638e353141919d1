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

    public init() {}
}

/// Why routing gave no answer.
public enum RouterError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownModel(String)
    case unknownTask(String)
    /// Every candidate failed before its first token; one line per attempt.
    case allFailed([String])

    public var description: String {
        switch self {
        case .unknownModel(let name): "no model called \"\(name)\" in the catalogue"
        case .unknownTask(let task): "no task type \"\(task)\" in the catalogue"
        case .allFailed(let attempts): "every model failed: " + attempts.joined(separator: "; ")
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
