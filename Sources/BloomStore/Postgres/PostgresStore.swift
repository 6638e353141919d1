public import Foundation

/// The scale-out store: Postgres through libpq, with a small pool of connections, each owned
/// by its own thread, so several Blooms behind a load balancer share one database.
public final class PostgresStore: Store {
    public let location: DatabaseLocation.Postgres
    private let base: SQLStore<PostgresConnection>

    private init(location: DatabaseLocation.Postgres, base: SQLStore<PostgresConnection>) {
        self.location = location
        self.base = base
    }

    /// Connects the whole pool now, so a wrong URL or an unreachable server fails at start-up.
    /// With a schema in the URL, creates it when missing.
    public static func open(_ location: DatabaseLocation.Postgres) async throws(StoreError) -> PostgresStore {
        let connections = try await onOwnThread("bloom.postgres.open") { () throws(StoreError) in
            var connections: [PostgresConnection] = []
            do throws(StoreError) {
                for _ in 0..<location.poolSize {
                    let connection = try PostgresConnection(
                        conninfo: location.conninfo, displayURL: location.displayURL)
                    connections.append(connection)
                    if connections.count == 1, let schema = location.schema {
                        try connection.query("CREATE SCHEMA IF NOT EXISTS \(Self.quoted(schema))")
                    }
                }
            } catch {
                for connection in connections { connection.close() }
                throw error
            }
            return connections
        }
        let workers = ConnectionWorkers(connections: connections, name: "bloom.postgres")
        return PostgresStore(location: location, base: SQLStore(workers: workers, dialect: .postgres))
    }

    /// `name` as a quoted SQL identifier.
    private static func quoted(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    public func migrate() async throws(StoreError) { _ = try await self.base.migrate() }
    public func migrationStatus() async throws(StoreError) -> [MigrationStatus] {
        try await self.base.migrationStatus()
    }

    public func createConversation(_ conversation: Conversation) async throws(StoreError) {
        try await self.base.createConversation(conversation)
    }
    public func conversation(id: UUID) async throws(StoreError) -> Conversation? {
        try await self.base.conversation(id: id)
    }
    public func deleteConversation(id: UUID) async throws(StoreError) -> Bool {
        try await self.base.deleteConversation(id: id)
    }

    public func addMessage(_ message: StoredMessage) async throws(StoreError) {
        try await self.base.addMessage(message)
    }
    public func addMessages(_ messages: [StoredMessage], creating conversation: Conversation?)
        async throws(StoreError)
    {
        try await self.base.addMessages(messages, creating: conversation)
    }
    public func finishMessage(_ message: StoredMessage) async throws(StoreError) {
        try await self.base.finishMessage(message)
    }
    public func messages(conversation: UUID, limit: Int, offset: Int) async throws(StoreError) -> [StoredMessage] {
        try await self.base.messages(conversation: conversation, limit: limit, offset: offset)
    }
    public func messageCount(conversation: UUID) async throws(StoreError) -> Int {
        try await self.base.messageCount(conversation: conversation)
    }

    public func recordMetrics(_ records: [ModelMetricRecord]) async throws(StoreError) {
        try await self.base.recordMetrics(records)
    }
    public func metricsSummary(from start: Date, to end: Date) async throws(StoreError) -> [ModelMetricSummary] {
        try await self.base.metricsSummary(from: start, to: end)
    }

    public func ping() async throws(StoreError) { try await self.base.ping() }
    public func close() async { await self.base.close() }
}
