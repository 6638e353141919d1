import BloomCore
import BloomStore
import Foundation

extension CommandLineInterface {
    /// `bloom migrate [--status]`: applies pending migrations and prints them, or prints the
    /// table of versions without changing anything.
    static func migrate(status: Bool, flags: [String: String]) async -> Int32 {
        guard let configuration = Self.loadConfiguration(flags: flags) else { return 1 }
        let location: DatabaseLocation
        let store: any Store
        do {
            location = try DatabaseLocation(url: configuration.effectiveDatabaseURL)
            store = try await location.open()
        } catch {
            Self.printError("bloom: cannot open the database: \(error.message)\n")
            return 1
        }
        do {
            if status {
                var rows = [["VERSION", "NAME", "STATE"]]
                for migration in try await store.migrationStatus() {
                    let state = migration.appliedAt.map { "applied \($0.formatted(.iso8601))" } ?? "pending"
                    rows.append([String(migration.version), migration.name, state])
                }
                print("database: \(location.displayURL)")
                print(Self.table(rows), terminator: "")
            } else {
                // What was pending before and applied after is what this run (or an instance
                // starting at the same moment) applied.
                let before = try await store.migrationStatus()
                try await store.migrate()
                let after = try await store.migrationStatus()
                let applied = after.filter { migration in
                    migration.appliedAt != nil
                        && before.contains { $0.version == migration.version && $0.appliedAt == nil }
                }
                for migration in applied { print("applied \(migration.version) \(migration.name)") }
                let version = after.last?.version ?? 0
                print(applied.isEmpty ? "nothing to apply; at version \(version)" : "at version \(version)")
            }
            await store.close()
            return 0
        } catch {
            await store.close()
            Self.printError("bloom: \(error.message)\n")
            return 1
        }
    }
}
