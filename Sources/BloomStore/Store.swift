public import Foundation

/// Where conversations, messages and model metrics live: SQLite in the data directory by
/// default, Postgres when scaled out (`DATABASE_URL`). Every implementation passes the same
/// test suite.
///
/// Methods are `async` and never block the caller's thread: implementations run their
/// blocking database calls on their own threads, so HTTP loops and the Swift cooperative pool
/// never wait on a disk or a socket.
public protocol Store: Sendable {
    /// Applies every migration not yet applied, in order, once, even when several instances
    /// start together.
    func migrate() async throws(StoreError)
    /// Every known migration and whether (and when) it was applied.
    func migrationStatus() async throws(StoreError) -> [MigrationStatus]

    func createConversation(_ conversation: Conversation) async throws(StoreError)
    func conversation(id: UUID) async throws(StoreError) -> Conversation?
    /// Removes the conversation and all its messages; false when there was none.
    func deleteConversation(id: UUID) async throws(StoreError) -> Bool

    func addMessage(_ message: StoredMessage) async throws(StoreError)
    /// Adds `messages` in order, after creating `conversation` when one is given, in one
    /// transaction: all of it lands or none (a new chat's conversation, the visitor's message
    /// and the pending answer).
    func addMessages(_ messages: [StoredMessage], creating conversation: Conversation?) async throws(StoreError)
    /// Replaces a message's content, status and generation details (an answer that ended).
    func finishMessage(_ message: StoredMessage) async throws(StoreError)
    /// Messages of a conversation in the order they were added, `limit` from `offset`.
    func messages(conversation: UUID, limit: Int, offset: Int) async throws(StoreError) -> [StoredMessage]
    func messageCount(conversation: UUID) async throws(StoreError) -> Int

    func recordMetrics(_ records: [ModelMetricRecord]) async throws(StoreError)
    /// Aggregates of the records in [start, end) by model and task.
    func metricsSummary(from start: Date, to end: Date) async throws(StoreError) -> [ModelMetricSummary]

    /// Whether the database answers, for health checks.
    func ping() async throws(StoreError)
    func close() async
}

/// A chat between a visitor and the assistant.
public struct Conversation: Sendable, Equatable, Codable {
    public var id: UUID
    public var createdAt: Date
    public var task: String
    /// Caller-supplied key/value pairs (page, referrer), stored as given.
    public var metadata: [String: String]

    public init(id: UUID = UUID(), createdAt: Date = Date(), task: String = "chat", metadata: [String: String] = [:]) {
        self.id = id
        self.createdAt = createdAt
        self.task = task
        self.metadata = metadata
    }
}

/// One side of a turn, with what the model did when it is an answer.
public struct StoredMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }
    public enum Status: String, Sendable, Codable {
        /// An answer still being generated.
        case pending
        case complete
        /// The client left or pressed stop; what was generated is kept.
        case cancelled
        case failed
    }

    public var id: UUID
    public var conversationID: UUID
    public var role: Role
    public var content: String
    public var status: Status
    public var createdAt: Date
    /// The model that really answered (assistant messages).
    public var model: String?
    /// Whether the answer is Bloom's configured fallback text rather than a model's.
    public var fallback: Bool
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var latencyMilliseconds: Double?
    public var timeToFirstTokenMilliseconds: Double?
    /// Why it failed, for `failed` answers.
    public var error: String?

    public init(
        id: UUID = UUID(), conversationID: UUID, role: Role, content: String, status: Status = .complete,
        createdAt: Date = Date(), model: String? = nil, fallback: Bool = false, promptTokens: Int? = nil,
        completionTokens: Int? = nil, latencyMilliseconds: Double? = nil, timeToFirstTokenMilliseconds: Double? = nil,
        error: String? = nil
    ) {
        self.id = id
        self.conversationID = conversationID
        self.role = role
        self.content = content
        self.status = status
        self.createdAt = createdAt
        self.model = model
        self.fallback = fallback
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latencyMilliseconds = latencyMilliseconds
        self.timeToFirstTokenMilliseconds = timeToFirstTokenMilliseconds
        self.error = error
    }
}

/// One model request as the gateway measured it.
public struct ModelMetricRecord: Sendable, Equatable, Codable {
    public var at: Date
    public var model: String
    public var task: String
    public var success: Bool
    /// `timedOut`, `unreachable`, … for failures.
    public var failureKind: String?
    public var latencyMilliseconds: Double
    public var timeToFirstTokenMilliseconds: Double?
    public var promptTokens: Int
    public var completionTokens: Int
    public var fallback: Bool

    public init(
        at: Date, model: String, task: String, success: Bool, failureKind: String? = nil,
        latencyMilliseconds: Double, timeToFirstTokenMilliseconds: Double? = nil, promptTokens: Int = 0,
        completionTokens: Int = 0, fallback: Bool = false
    ) {
        self.at = at
        self.model = model
        self.task = task
        self.success = success
        self.failureKind = failureKind
        self.latencyMilliseconds = latencyMilliseconds
        self.timeToFirstTokenMilliseconds = timeToFirstTokenMilliseconds
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.fallback = fallback
    }
}

/// Aggregates of one model and task over a time range.
public struct ModelMetricSummary: Sendable, Equatable, Codable {
    public var model: String
    public var task: String
    public var requests: Int
    public var successes: Int
    public var fallbacks: Int
    public var averageLatencyMilliseconds: Double
    public var averageTimeToFirstTokenMilliseconds: Double?
    public var promptTokens: Int
    public var completionTokens: Int

    public init(
        model: String, task: String, requests: Int, successes: Int, fallbacks: Int,
        averageLatencyMilliseconds: Double, averageTimeToFirstTokenMilliseconds: Double?, promptTokens: Int,
        completionTokens: Int
    ) {
        self.model = model
        self.task = task
        self.requests = requests
        self.successes = successes
        self.fallbacks = fallbacks
        self.averageLatencyMilliseconds = averageLatencyMilliseconds
        self.averageTimeToFirstTokenMilliseconds = averageTimeToFirstTokenMilliseconds
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}

public struct MigrationStatus: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var appliedAt: Date?

    public init(version: Int, name: String, appliedAt: Date?) {
        self.version = version
        self.name = name
        self.appliedAt = appliedAt
    }
}

/// Why a store call failed: what was attempted, the database's own message, and whether trying
/// again later can help (connection lost, busy) or not (constraint, bad URL).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case unavailable, invalidConfiguration, constraint, migration, query }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(self.kind.rawValue): \(self.message)" }
    public var isRetryable: Bool { self.kind == .unavailable }
}
