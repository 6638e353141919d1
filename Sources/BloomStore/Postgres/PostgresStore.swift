import Foundation

/// The scale-out store: Postgres through libpq, with a small pool of connections, each owned
/// by its own thread, so several Blooms behind a load balancer share one database.
public final class PostgresStore: SQLBackedStore, @unchecked Sendable {
    public let location: DatabaseLocation.Postgres

    private init(location: DatabaseLocation.Postgres, queries: SQLStore<PostgresConnection>) {
        self.location = location
        super.init(queries: queries)
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
        return PostgresStore(location: location, queries: SQLStore(workers: workers, dialect: .postgres))
    }

    /// `name` as a quoted SQL identifier.
    private static func quoted(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }
}
