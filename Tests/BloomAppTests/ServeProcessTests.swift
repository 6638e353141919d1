import BloomTesting
import Foundation
import Glibc
import Testing

/// The `bloom` binary end to end: start, answer, drain on a signal, exit 0.
@Suite("bloom serve as a process", .serialized)
struct ServeProcessTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "bloom-process-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("SIGTERM drains: the open stream gets its final event and the process exits 0", arguments: [SIGTERM, SIGINT])
    func signalDrains(signal: Int32) async throws {
        let directory = try Self.temporaryDirectory()
        let bloom = try BloomProcess(
            ["serve", "--port", "0", "--data-dir", directory + "/data"],
            environment: ["BLOOM_SHUTDOWN_TIMEOUT": "5s"],
            workingDirectory: directory
        )
        let port = try await bloom.waitForPort()

        let client = try LoopbackClient(port: port)
        try client.request("GET", "/health")
        #expect(try await client.readResponse().status == 200)

        let stream = try LoopbackClient(port: port)
        try stream.request("GET", "/health/stream")
        #expect(try await stream.readHead().status == 200)
        #expect(try await stream.readChunk().map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("id: ") == true)

        bloom.signal(signal)
        var rest = ""
        while let chunk = try await stream.readChunk() { rest += String(decoding: chunk, as: UTF8.self) }
        #expect(rest.contains("event: shutdown"))
        #expect(await bloom.waitForExit() == 0)
        #expect(bloom.text.contains("msg=\"stopped\""))
    }

    @Test("the repository's Public folder is served with its types and an HTML policy")
    func servesPublicFolder() async throws {
        let directory = try Self.temporaryDirectory()
        let publicFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Public").standardized.path
        let bloom = try BloomProcess(
            ["serve", "--port", "0", "--data-dir", directory + "/data", "--public-dir", publicFolder],
            workingDirectory: directory
        )
        let port = try await bloom.waitForPort()
        let client = try LoopbackClient(port: port)
        try client.request("GET", "/")
        let page = try await client.readResponse()
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(page.text.contains("/health"))
        try client.request("GET", "/style.css")
        #expect(try await client.readResponse().headers["content-type"] == "text/css; charset=utf-8")
        bloom.signal(SIGTERM)
        #expect(await bloom.waitForExit() == 0)
    }

    @Test("an unknown flag prints usage and exits 2")
    func unknownFlag() async throws {
        let bloom = try BloomProcess(["serve", "--colour", "blue"])
        #expect(await bloom.waitForExit() == 2)
        #expect(bloom.text.contains("unknown option --colour"))
        #expect(bloom.text.contains("Usage: bloom serve"))
    }

    @Test("an invalid setting stops start-up with a message naming key, value and expectation")
    func invalidSetting() async throws {
        let directory = try Self.temporaryDirectory()
        let bloom = try BloomProcess(
            ["serve"], environment: ["BLOOM_MAX_BODY_BYTES": "lots"], workingDirectory: directory)
        #expect(await bloom.waitForExit() == 1)
        #expect(bloom.text.contains("BLOOM_MAX_BODY_BYTES"))
        #expect(bloom.text.contains("\"lots\""))
        #expect(bloom.text.contains("expected"))
    }

    @Test("a port already in use is reported, not silently shared, and exits 1")
    func portInUse() async throws {
        let directory = try Self.temporaryDirectory()
        let first = try BloomProcess(
            ["serve", "--port", "0", "--data-dir", directory + "/a"], workingDirectory: directory)
        let port = try await first.waitForPort()
        let second = try BloomProcess(
            ["serve", "--port", "\(port)", "--data-dir", directory + "/b"],
            workingDirectory: directory
        )
        #expect(await second.waitForExit() == 1)
        #expect(second.text.contains("already in use") || second.text.contains("another process is listening"))
        first.signal(SIGTERM)
        #expect(await first.waitForExit() == 0)
    }

    @Test("version prints the version line")
    func version() async throws {
        let bloom = try BloomProcess(["version"])
        #expect(await bloom.waitForExit() == 0)
        #expect(bloom.text.hasPrefix("bloom 0.1.0 (revision "))
    }
}
