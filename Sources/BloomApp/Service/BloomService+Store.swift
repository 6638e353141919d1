public import BloomCore
public import BloomStore

extension BloomService {
    /// Opens the configured database and applies pending migrations, logging each one, so the
    /// schema is current before the first request. Several Blooms starting together apply
    /// each migration once (the store takes a database-wide lock).
    ///
    /// - Throws: ``StoreError`` naming the database (password masked) when it cannot be opened
    ///   or migrated; start-up stops there.
    public static func openStore(configuration: Configuration, logger: Logger) async throws(StoreError) -> any Store {
        let location = try DatabaseLocation(url: configuration.effectiveDatabaseURL)
        let store = try await location.open()
        do {
            let before = try await store.migrationStatus()
            try await store.migrate()
            let after = try await store.migrationStatus()
            let pending = Set(before.filter { $0.appliedAt == nil }.map(\.version))
            for migration in after where migration.appliedAt != nil && pending.contains(migration.version) {
                logger.info(
                    "migration applied",
                    metadata: ["version": .integer(migration.version), "name": .string(migration.name)])
            }
            logger.info(
                "store ready",
                metadata: [
                    "store": .string(location.displayURL), "schema_version": .integer(after.last?.version ?? 0),
                ])
            return store
        } catch {
            await store.close()
            throw error
        }
    }

    /// `sqlite` or `postgres`, for health details and `/info`.
    static func storeKind(_ configuration: Configuration) -> String {
        configuration.effectiveDatabaseURL.lowercased().hasPrefix("sqlite:") ? "sqlite" : "postgres"
    }
}
