import BloomTesting
import Foundation
import Testing

@testable import BloomApp

/// `bloom migrate` and the store's part in `bloom serve`, through the real binary.
@Suite("bloom migrate and the store at start-up", .serialized)
struct StoreCommandTests {
    typealias CLI = CommandLineInterface

    @Test(
        "migrate parses with and without --status",
        arguments: [
            (["migrate"], CLI.Invocation.migrate(status: false, flags: [:])),
            (["migrate", "--status", "--data-dir", "/srv"], .migrate(status: true, flags: ["data-dir": "/srv"])),
            (["migrate", "--help"], .help(topic: "migrate")),
        ])
    func migrateParses(arguments: [String], expected: CLI.Invocation) throws {
        #expect(try CLI.parse(arguments) == expected)
    }

    @Test("migrate refuses extra words and values on --status")
    func migrateUsageErrors() {
        #expect(throws: CLI.UsageError.self) { try CLI.parse(["migrate", "now"]) }
        #expect(throws: CLI.UsageError.self) { try CLI.parse(["migrate", "--status=yes"]) }
    }

    @Test("migrate applies each migration once and --status lists them as applied")
    func migrateAppliesOnce() async throws {
        let directory = try ServeProcessTests.temporaryDirectory()
        let pending = try BloomProcess(["migrate", "--status", "--data-dir", directory], workingDirectory: directory)
        #expect(await pending.waitForExit() == 0)
        #expect(pending.text.contains("2        messages       pending"))

        let first = try BloomProcess(["migrate", "--data-dir", directory], workingDirectory: directory)
        #expect(await first.waitForExit() == 0)
        #expect(first.text.contains("applied 1 conversations\napplied 2 messages\napplied 3 model metrics\n"))

        let second = try BloomProcess(["migrate", "--data-dir", directory], workingDirectory: directory)
        #expect(await second.waitForExit() == 0)
        #expect(second.text.contains("nothing to apply; at version 3"))

        let status = try BloomProcess(["migrate", "--status", "--data-dir", directory], workingDirectory: directory)
        #expect(await status.waitForExit() == 0)
        #expect(!status.text.contains("pending"))
        #expect(status.text.contains("3        model metrics  applied 20"))
    }

    @Test("serve stops with exit 1 and a masked URL when the database cannot be reached")
    func serveStopsWithoutADatabase() async throws {
        let directory = try ServeProcessTests.temporaryDirectory()
        let bloom = try BloomProcess(
            ["serve", "--port", "0", "--data-dir", directory + "/data"],
            environment: ["DATABASE_URL": "postgres://bloom:hunter2@127.0.0.1:1/bloom?connect_timeout=2"],
            workingDirectory: directory
        )
        #expect(await bloom.waitForExit() == 1)
        #expect(bloom.text.contains("bloom could not open its database"))
        #expect(bloom.text.contains("bloom:***@127.0.0.1:1"))
        #expect(!bloom.text.contains("hunter2"))
    }

    @Test("serve migrates the SQLite store at start and reports it in /health")
    func serveReportsTheStore() async throws {
        let directory = try ServeProcessTests.temporaryDirectory()
        let bloom = try BloomProcess(
            ["serve", "--port", "0", "--data-dir", directory + "/data"], environment: ["BLOOM_EMBEDDED": "off"],
            workingDirectory: directory)
        let port = try await bloom.waitForPort()
        let client = try LoopbackClient(port: port)
        try client.request("GET", "/health")
        let health = try await client.readResponse()
        #expect(health.text.contains(#""store":{"status":"ok""#))
        #expect(bloom.text.contains("msg=\"migration applied\""))
        #expect(FileManager.default.fileExists(atPath: directory + "/data/bloom.db"))
        bloom.signal(SIGTERM)
        #expect(await bloom.waitForExit() == 0)
    }
}
