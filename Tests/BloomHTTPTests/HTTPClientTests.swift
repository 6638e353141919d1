import BloomHTTP
import BloomTesting
import CLinux
import Foundation
import Glibc
import Testing

@Suite("HTTPClient against a real server on loopback")
struct HTTPClientTests {
    let probe = Probe()

    func withServer(_ body: (HTTPServer, HTTPClient) async throws -> Void) async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        try await body(server, try HTTPClient())
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("a GET returns status, headers and body")
    func get() async throws {
        try await self.withServer { server, client in
            let response = try await client.execute(ClientRequest(url: "http://127.0.0.1:\(server.port)/hello"))
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
            #expect(String(decoding: try await response.collect(), as: UTF8.self) == "hello")
        }
    }

    @Test("a POST body reaches the server; localhost resolves")
    func post() async throws {
        try await self.withServer { server, client in
            let request = ClientRequest(
                method: .post,
                url: "http://localhost:\(server.port)/echo",
                headers: ["Content-Type": "application/json"],
                body: Array(#"{"prompt":"hi 🌱"}"#.utf8)
            )
            let response = try await client.execute(request)
            #expect(String(decoding: try await response.collect(), as: UTF8.self) == #"{"prompt":"hi 🌱"}"#)
        }
    }

    @Test("error statuses come back as responses, with their JSON body")
    func errorStatus() async throws {
        try await self.withServer { server, client in
            let response = try await client.execute(ClientRequest(url: "http://127.0.0.1:\(server.port)/fail"))
            #expect(response.status == 409)
            #expect(String(decoding: try await response.collect(), as: UTF8.self).contains("\"taken\""))
        }
    }

    @Test("a streamed body arrives piece by piece as the server sends it")
    func streaming() async throws {
        try await self.withServer { server, client in
            let response = try await client.execute(ClientRequest(url: "http://127.0.0.1:\(server.port)/sse"))
            var arrivals: [ContinuousClock.Instant] = []
            var text = ""
            for try await piece in response.body {
                arrivals.append(.now)
                text += String(decoding: piece, as: UTF8.self)
            }
            #expect(text.contains("data: 1") && text.contains("data: 3"))
            #expect(arrivals.count >= 3)
            if let first = arrivals.first, let last = arrivals.last {
                #expect(last - first >= .milliseconds(300))
            }
        }
    }

    @Test("a refused connection fails at once, naming the address")
    func refused() async throws {
        let client = try HTTPClient()
        let port = try Self.closedPort()
        let start = ContinuousClock.now
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.execute(ClientRequest(url: "http://127.0.0.1:\(port)/"))
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test("cancelling the caller closes the upstream connection, which cancels the server's handler")
    func cancellation() async throws {
        try await self.withServer { server, client in
            let task = Task {
                _ = try await client.execute(ClientRequest(url: "http://127.0.0.1:\(server.port)/hang"))
            }
            #expect(await self.probe.waitUntil { self.probe.has("hang.started") })
            task.cancel()
            await #expect(throws: (any Error).self) { try await task.value }
            #expect(await self.probe.waitUntil(timeout: .seconds(2)) { self.probe.has("hang.cancelled") })
        }
    }

    @Test("dropping a response whose body is still arriving closes the connection")
    func dropResponse() async throws {
        try await self.withServer { server, client in
            do {
                let response = try await client.execute(
                    ClientRequest(url: "http://127.0.0.1:\(server.port)/sse-forever")
                )
                for try await _ in response.body { break }
            }
            #expect(await self.probe.waitUntil(timeout: .seconds(2)) { self.probe.has("forever.cancelled") })
        }
    }

    @Test(
        "URLs that are not plain http are refused",
        arguments: ["https://x/", "ftp://x", "http://", "http://a:0/", "http://u:p@h/"])
    func invalidURLs(url: String) async throws {
        let client = try HTTPClient()
        await #expect(throws: HTTPClientError.invalidURL(url)) {
            _ = try await client.execute(ClientRequest(url: url))
        }
    }

    @Test(
        "malformed or cut responses fail with a clear error",
        arguments: [
            ("garbage\r\n\r\n", "malformed"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "closed"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "closed"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", "malformed"),
            ("", "closed"),
        ]
    )
    func brokenUpstream(reply: String, kind: String) async throws {
        let upstream = try ScriptedTCPServer(reply: reply)
        defer { upstream.stop() }
        let client = try HTTPClient()
        do {
            let response = try await client.execute(ClientRequest(url: "http://127.0.0.1:\(upstream.port)/"))
            _ = try await response.collect()
            Issue.record("expected a failure")
        } catch let error as HTTPClientError {
            switch (kind, error) {
            case ("malformed", .malformedResponse), ("closed", .closedEarly): break
            default: Issue.record("unexpected error \(error) for \(kind)")
            }
        }
    }

    @Test("a close-delimited body ends at the close")
    func closeDelimited() async throws {
        let upstream = try ScriptedTCPServer(reply: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it")
        defer { upstream.stop() }
        let response = try await HTTPClient().execute(ClientRequest(url: "http://127.0.0.1:\(upstream.port)/"))
        #expect(String(decoding: try await response.collect(), as: UTF8.self) == "all of it")
    }

    @Test("an unknown host name is reported as unresolved")
    func unresolved() async throws {
        let client = try HTTPClient()
        await #expect(throws: HTTPClientError.unresolvedHost("no-such-host.invalid")) {
            _ = try await client.execute(ClientRequest(url: "http://no-such-host.invalid:11434/"))
        }
    }

    /// A port on which nothing listens: bound, then closed.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        close(fd)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
