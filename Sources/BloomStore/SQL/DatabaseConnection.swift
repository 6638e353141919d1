/// The SQL the two databases spell differently. Everything else is shared.
enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// The column that numbers rows in insertion order (message order, never reused).
    var sequenceColumn: String {
        switch self {
        case .sqlite: "INTEGER PRIMARY KEY AUTOINCREMENT"
        case .postgres: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
        }
    }

    /// One row with one column, `1` when `schema_migrations` exists in the store's schema.
    var migrationsTableExists: String {
        switch self {
        case .sqlite: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        case .postgres: "SELECT COUNT(*) FROM (SELECT to_regclass('schema_migrations') AS t) AS r WHERE t IS NOT NULL"
        }
    }

    /// A query that touches the database itself: the SQLite file's first page, or a Postgres round trip.
    var ping: String {
        switch self {
        case .sqlite: "SELECT COUNT(*) FROM sqlite_master"
        case .postgres: "SELECT 1"
        }
    }
}

/// One open database connection, used by one thread only (``ConnectionWorkers``).
///
/// SQL is written with Postgres's `$1`, `$2` placeholders; SQLite reads them as `?1`, `?2`.
protocol DatabaseConnection: AnyObject, SendableMetatype {
    var dialect: SQLDialect { get }

    /// Runs one statement with parameters and returns its rows (none for most writes; use
    /// `RETURNING` to learn what a write touched).
    func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow]

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// Nested calls become savepoints.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T

    /// Runs `body` while no other connection, in this process or another, runs migrations on
    /// the same database.
    func withMigrationLock<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T

    /// Releases the connection; the object is not used afterwards.
    func close()
}

extension DatabaseConnection {
    @discardableResult
    func query(_ sql: String, _ parameters: SQLValue...) throws(StoreError) -> [SQLRow] {
        try self.query(sql, parameters)
    }
}
