import Foundation

/// The embedded default: one SQLite file (in the data directory unless `DATABASE_URL` says
/// otherwise), one connection, one thread that runs every call in order.
///
/// One connection is enough: SQLite allows one writer at a time per file, and the calls are
/// short; a second connection for readers would only help long reports.
public final class SQLiteStore: SQLBackedStore, @unchecked Sendable {
    /// The database file as opened (relative paths resolved against the working directory).
    public let path: String
    /// The same queries as `queries`, typed, for what only this database has.
    private let sql: SQLStore<SQLiteConnection>

    private init(path: String, sql: SQLStore<SQLiteConnection>) {
        self.path = path
        self.sql = sql
        super.init(queries: sql)
    }

    /// Opens (creating it and its folder when missing) the database at `path`.
    public static func open(path: String) async throws(StoreError) -> SQLiteStore {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let connection = try await onOwnThread("bloom.sqlite.open") { () throws(StoreError) in
            let folder = (absolute as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.unavailable, "cannot create the folder \(folder) for the SQLite database: \(error)")
            }
            return try SQLiteConnection(path: absolute)
        }
        let workers = ConnectionWorkers(connections: [connection], name: "bloom.sqlite")
        return SQLiteStore(path: absolute, sql: SQLStore(workers: workers, dialect: .sqlite))
    }

    /// SQLite's own check of the whole file (`PRAGMA integrity_check`): `["ok"]` when sound,
    /// else one line per problem. Reads every page, so it takes a while on a large file.
    public func integrityCheck() async throws(StoreError) -> [String] {
        try await self.sql.workers.run { connection throws(StoreError) in
            try connection.query("PRAGMA integrity_check").map { row throws(StoreError) in try row.string(0) }
        }
    }
}
