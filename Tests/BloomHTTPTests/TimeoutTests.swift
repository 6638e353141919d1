import BloomHTTP
import BloomTesting
import Testing

@Suite("HTTP timeouts")
struct TimeoutTests {
    let probe = Probe()

    func withServer(_ body: (HTTPServer) async throws -> Void) async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe)) { configuration in
            configuration.headerTimeout = .milliseconds(600)
            configuration.bodyTimeout = .milliseconds(600)
            configuration.idleTimeout = .milliseconds(600)
        }
        try await body(server)
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("a head sent byte by byte too slowly gets 408 (slowloris)")
    func slowHead() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            let start = ContinuousClock.now
            for byte in "GET /hello HTTP/1.1\r\nX-Slow: ".utf8 {
                // The server may answer and close before the head is complete.
                guard (try? client.send([byte])) != nil else { break }
                try await Task.sleep(for: .milliseconds(30))
                if ContinuousClock.now - start > .seconds(2) { break }
            }
            let response = try await client.readResponse(timeout: .seconds(3))
            #expect(response.status == 408)
            #expect(response.errorCode == "header_timeout")
            #expect(await client.waitForClose(timeout: .seconds(2)))
            #expect(ContinuousClock.now - start < .seconds(2))
        }
    }

    @Test("a body that stops arriving gets 408")
    func slowBody() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
            let response = try await client.readResponse(timeout: .seconds(3))
            #expect(response.status == 408)
            #expect(response.errorCode == "body_timeout")
            #expect(await client.waitForClose(timeout: .seconds(2)))
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleKeepAlive() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            // Timed from before the request: the server's idle clock starts when it has written
            // the response, which is after this, so the close can never come sooner than the
            // timeout, however late this client reads (a loaded machine delays reads by 100s of ms).
            let start = ContinuousClock.now
            try client.request("GET", "/hello")
            #expect(try await client.readResponse().status == 200)
            #expect(await client.waitForClose(timeout: .seconds(3)))
            #expect(ContinuousClock.now - start >= .milliseconds(600))
        }
    }

    @Test("a connection that never sends anything is closed")
    func silentConnection() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            #expect(await client.waitForClose(timeout: .seconds(3)))
            #expect(await self.probe.waitUntil(timeout: .seconds(2)) { server.openConnections == 0 })
        }
    }

    @Test("a slow handler is not cut by the read timeouts")
    func slowHandler() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe)) { configuration in
            configuration.headerTimeout = .milliseconds(100)
            configuration.idleTimeout = .milliseconds(100)
        }
        let client = try LoopbackClient(port: server.port)
        try client.request("GET", "/slow")
        #expect(try await client.readResponse().text == "slow")
        await server.shutdown(timeout: .seconds(2))
    }
}
