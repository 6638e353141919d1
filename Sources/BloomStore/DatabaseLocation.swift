import BloomCore
import Foundation

/// Where the store lives, parsed from `DATABASE_URL` (``Configuration/effectiveDatabaseURL``).
///
/// - `sqlite:PATH` (also `sqlite://PATH`): a file; a relative path is relative to the working
///   directory.
/// - `postgres://…` or `postgresql://…`: handed to libpq as a connection URI, so `sslmode`,
///   `host=/socket/dir`, `connect_timeout` and libpq's other parameters pass through. Bloom
///   takes two parameters out for itself: `pool=N` (connections, default 4) and `schema=NAME`
///   (tables go in that schema, created when missing; for several Blooms or tests sharing a
///   database), and adds `connect_timeout=10` when the URL sets none.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(Postgres)

    public struct Postgres: Sendable, Equatable {
        /// The libpq connection URI, without Bloom's own parameters.
        public var conninfo: String
        public var poolSize: Int
        public var schema: String?
        /// The URL as given, password masked.
        public var displayURL: String
    }

    public static let defaultPoolSize = 4
    /// Seconds libpq may spend connecting when the URL sets no `connect_timeout`.
    public static let defaultConnectTimeoutSeconds = 10

    public init(url: String) throws(StoreError) {
        let masked = Redaction.redactCredentials(inURL: url)
        let lowered = url.lowercased()
        if lowered.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else {
                throw StoreError(.invalidConfiguration, "database URL \(masked) names no file: use sqlite:PATH")
            }
            self = .sqlite(path: path)
        } else if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try Self.postgres(url, masked: masked))
        } else {
            throw StoreError(
                .invalidConfiguration, "database URL \(masked) is not sqlite:PATH, postgres://… or postgresql://…")
        }
    }

    private static func postgres(_ url: String, masked: String) throws(StoreError) -> Postgres {
        guard var components = URLComponents(string: url) else {
            throw StoreError(.invalidConfiguration, "database URL \(masked) is not a valid URL")
        }
        var items = components.queryItems ?? []
        var poolSize = Self.defaultPoolSize
        if let index = items.firstIndex(where: { $0.name == "pool" }) {
            guard let value = items[index].value.flatMap({ Int($0) }), (1...64).contains(value) else {
                throw StoreError(
                    .invalidConfiguration,
                    "database URL \(masked): pool=\(items[index].value ?? "") is not a connection count from 1 to 64")
            }
            poolSize = value
            items.remove(at: index)
        }
        var schema: String?
        if let index = items.firstIndex(where: { $0.name == "schema" }) {
            guard let value = items[index].value, !value.isEmpty,
                value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                throw StoreError(
                    .invalidConfiguration, "database URL \(masked): schema= takes letters, digits and underscores")
            }
            schema = value
            items.remove(at: index)
            // Every pooled connection, and every reconnection, starts in the schema.
            let option = "-c search_path=\(value)"
            if let existing = items.firstIndex(where: { $0.name == "options" }) {
                items[existing].value = (items[existing].value ?? "") + " " + option
            } else {
                items.append(URLQueryItem(name: "options", value: option))
            }
        }
        // libpq waits forever for an unanswered connect by default; a reconnect runs on a
        // pool thread, and a hung one would hold every call queued behind it.
        if !items.contains(where: { $0.name == "connect_timeout" }) {
            items.append(URLQueryItem(name: "connect_timeout", value: String(Self.defaultConnectTimeoutSeconds)))
        }
        components.queryItems = items
        // URLComponents leaves `=` alone in values; libpq needs it escaped inside `options`.
        components.percentEncodedQuery = components.percentEncodedQuery?
            .replacing("search_path=", with: "search_path%3D")
        guard let conninfo = components.string else {
            throw StoreError(.invalidConfiguration, "database URL \(masked) is not a valid URL")
        }
        return Postgres(conninfo: conninfo, poolSize: poolSize, schema: schema, displayURL: masked)
    }

    /// The URL for messages, password masked.
    public var displayURL: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let postgres): postgres.displayURL
        }
    }

    /// Opens the store this location names. Nothing is migrated yet: call ``Store/migrate()``.
    public func open() async throws(StoreError) -> any Store {
        switch self {
        case .sqlite(let path): try await SQLiteStore.open(path: path)
        case .postgres(let postgres): try await PostgresStore.open(postgres)
        }
    }

    /// Parses `url` and opens its store.
    public static func open(url: String) async throws(StoreError) -> any Store {
        try await DatabaseLocation(url: url).open()
    }
}
