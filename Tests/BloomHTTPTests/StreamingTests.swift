import BloomHTTP
import BloomTesting
import CLinux
import Foundation
import Glibc
import Testing

@Suite("Streaming responses")
struct StreamingTests {
    let probe = Probe()

    @Test("SSE events arrive one by one as they are sent, not at the end")
    func sseArrivesIncrementally() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        let client = try LoopbackClient(port: server.port)
        try client.request("GET", "/sse")
        let head = try await client.readHead()
        #expect(head.headers["content-type"] == "text/event-stream; charset=utf-8")
        #expect(head.headers["cache-control"] == "no-cache")

        var arrivals: [(ContinuousClock.Instant, String)] = []
        while let chunk = try await client.readChunk() {
            arrivals.append((ContinuousClock.now, String(decoding: chunk, as: UTF8.self)))
        }
        let events = arrivals.map(\.1).filter { $0.hasPrefix("event:") }
        #expect(events == ["event: tick\ndata: 1\n\n", "event: tick\ndata: 2\n\n", "event: tick\ndata: 3\n\n"])
        let times = arrivals.filter { $0.1.hasPrefix("event:") }.map(\.0)
        #expect(times.count == 3)
        if times.count == 3 {
            #expect(times[1] - times[0] >= .milliseconds(150))
            #expect(times[2] - times[1] >= .milliseconds(150))
        }
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("an idle event stream carries comment pings")
    func ssePings() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        let client = try LoopbackClient(port: server.port)
        try client.request("GET", "/sse-forever")
        _ = try await client.readHead()
        #expect(try await client.readChunk().map { String(decoding: $0, as: UTF8.self) } == "data: hello\n\n")
        #expect(
            try await client.readChunk(timeout: .seconds(2)).map { String(decoding: $0, as: UTF8.self) } == ": ping\n\n"
        )
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("a client that disconnects cancels its async handler's task")
    func disconnectCancelsHandler() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        let client = try LoopbackClient(port: server.port)
        try client.request("GET", "/hang")
        #expect(await self.probe.waitUntil { self.probe.has("hang.started") })
        client.abort()
        #expect(await self.probe.waitUntil(timeout: .seconds(2)) { self.probe.has("hang.cancelled") })
        #expect(await self.probe.waitUntil(timeout: .seconds(2)) { server.openConnections == 0 })
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("a client that leaves a stream cancels the producer")
    func disconnectCancelsStream() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        let client = try LoopbackClient(port: server.port)
        try client.request("GET", "/sse-forever")
        _ = try await client.readHead()
        _ = try await client.readChunk()
        client.abort()
        #expect(await self.probe.waitUntil(timeout: .seconds(2)) { self.probe.has("forever.cancelled") })
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("a client that does not read holds the producer back (backpressure)")
    func backpressure() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        let client = try LoopbackClient(port: server.port)
        var small: Int32 = 16 * 1024
        setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        try client.request("GET", "/flood")
        try await Task.sleep(for: .milliseconds(500))
        let stalled = self.probe.count("flood.bytes")
        let total = 640 * 16 * 1024
        // Socket buffers on both sides hold a few MiB at most; the rest must wait for the reader.
        #expect(stalled < total / 2)
        #expect(!self.probe.has("flood.done"))

        // Open the window again so the rest arrives at loopback speed.
        var large: Int32 = 4 * 1024 * 1024
        setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &large, socklen_t(MemoryLayout<Int32>.size))
        let response = try await client.readResponse(timeout: .seconds(10))
        #expect(response.body.count == total)
        #expect(await self.probe.waitUntil { self.probe.has("flood.done") })
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("a thousand concurrent event streams are served")
    func thousandStreams() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(limit.rlim_max, 8192)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe)) { $0.maxConnections = 5000 }
        var clients: [LoopbackClient] = []
        for _ in 0..<1000 {
            let client = try LoopbackClient(port: server.port)
            try client.request("GET", "/sse-forever")
            clients.append(client)
        }
        for client in clients {
            #expect(try await client.readHead().status == 200)
            #expect(try await client.readChunk().map { String(decoding: $0, as: UTF8.self) } == "data: hello\n\n")
        }
        // The handler marks the probe after its first event is written, so a client can read
        // the event a moment before the mark lands.
        #expect(await self.probe.waitUntil(timeout: .seconds(5)) { self.probe.count("forever.open") == 1000 })
        #expect(server.openConnections == 1000)
        clients.removeAll()
        #expect(await self.probe.waitUntil(timeout: .seconds(5)) { server.openConnections == 0 })
        await server.shutdown(timeout: .seconds(2))
    }
}
