public import Foundation

/// What ``SQLiteStore`` and ``PostgresStore`` share: every ``Store`` call, answered by the one
/// set of queries in `SQLStore`. The subclasses only open their connections and add what is
/// particular to their database.
///
/// A class rather than a protocol extension because the queries' type is internal while the
/// stores are public: a public protocol cannot require it.
public class SQLBackedStore: Store, @unchecked Sendable {
    /// The queries; immutable, and `SQLStore` is itself `Sendable`, hence the unchecked conformance.
    let queries: any Store

    init(queries: any Store) {
        self.queries = queries
    }

    public func migrate() async throws(StoreError) { try await self.queries.migrate() }
    public func migrationStatus() async throws(StoreError) -> [MigrationStatus] {
        try await self.queries.migrationStatus()
    }

    public func createConversation(_ conversation: Conversation) async throws(StoreError) {
        try await self.queries.createConversation(conversation)
    }
    public func conversation(id: UUID) async throws(StoreError) -> Conversation? {
        try await self.queries.conversation(id: id)
    }
    public func deleteConversation(id: UUID) async throws(StoreError) -> Bool {
        try await self.queries.deleteConversation(id: id)
    }

    public func addMessage(_ message: StoredMessage) async throws(StoreError) {
        try await self.queries.addMessage(message)
    }
    public func addMessages(_ messages: [StoredMessage], creating conversation: Conversation?)
        async throws(StoreError)
    {
        try await self.queries.addMessages(messages, creating: conversation)
    }
    public func finishMessage(_ message: StoredMessage) async throws(StoreError) {
        try await self.queries.finishMessage(message)
    }
    public func messages(conversation: UUID, limit: Int, offset: Int) async throws(StoreError) -> [StoredMessage] {
        try await self.queries.messages(conversation: conversation, limit: limit, offset: offset)
    }
    public func messageCount(conversation: UUID) async throws(StoreError) -> Int {
        try await self.queries.messageCount(conversation: conversation)
    }

    public func recordMetrics(_ records: [ModelMetricRecord]) async throws(StoreError) {
        try await self.queries.recordMetrics(records)
    }
    public func metricsSummary(from start: Date, to end: Date) async throws(StoreError) -> [ModelMetricSummary] {
        try await self.queries.metricsSummary(from: start, to: end)
    }

    public func ping() async throws(StoreError) { try await self.queries.ping() }
    public func close() async { await self.queries.close() }
}
