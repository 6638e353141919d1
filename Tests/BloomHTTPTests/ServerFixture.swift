import BloomCore
import BloomHTTP
import BloomTesting

/// The routes the HTTP server tests exercise, each recording what happened in a ``Probe``.
enum ServerFixture {
    static func router(_ probe: Probe) -> Router {
        var router = Router()
        router.get("/hello", .sync { _, _ in .text("hello") })
        router.post("/echo", .sync { request, _ in HTTPResponse(status: .ok, body: .bytes(request.body)) })
        router.get("/items/{id}", .sync { _, context in .text("item \(context.parameter("id"))") })
        router.post("/items", .sync { _, _ in HTTPResponse(status: .created) })
        router.get("/fail", .sync { _, _ in throw HTTPError(.conflict, code: "taken", message: "That slot is taken.") })
        router.get("/crash", .sync { _, _ in throw ProbeFailure() })
        router.get(
            "/slow",
            .async { _, _ in
                // Long enough to still be running when a test under load starts a shutdown after it.
                try await Task.sleep(for: .milliseconds(800))
                return .text("slow")
            })
        router.get(
            "/hang",
            .async { _, _ in
                probe.mark("hang.started")
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    probe.mark("hang.cancelled")
                    throw error
                }
                return .text("never")
            })
        router.get(
            "/sse",
            .sync { _, context in
                .eventStream(pingInterval: .seconds(30), shutdown: context.shutdown) { events in
                    for n in 1...3 {
                        try await events.send(ServerSentEvent(event: "tick", data: "\(n)"))
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
            })
        router.get(
            "/sse-forever",
            .sync { _, context in
                .eventStream(pingInterval: .milliseconds(100), shutdown: context.shutdown) { events in
                    try await events.send(ServerSentEvent(data: "hello"))
                    probe.add(1, to: "forever.open")
                    do {
                        try await Task.sleep(for: .seconds(60))
                    } catch {
                        probe.mark("forever.cancelled")
                        throw error
                    }
                }
            })
        router.get(
            "/flood",
            .sync { _, _ in
                HTTPResponse(
                    body: .stream { body in
                        let chunk = [UInt8](repeating: 65, count: 16 * 1024)
                        for _ in 0..<640 {
                            try await body.write(chunk)
                            probe.add(chunk.count, to: "flood.bytes")
                        }
                        probe.mark("flood.done")
                    })
            })
        router.get(
            "/ndjson",
            .sync { _, _ in
                .ndjson { lines in
                    for n in 1...3 { try await lines.send(json: Array(#"{"n":\#(n)}"#.utf8)) }
                }
            })
        return router
    }

    struct ProbeFailure: Error {}
}
