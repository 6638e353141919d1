import BloomCore
import BloomHTTP

/// `/health`, `/health/live`, `/health/ready` and `/health/stream`.
///
/// All are answered from ``HealthMonitor``'s cached snapshot on the event loop: a load
/// balancer polling them costs microseconds and never reaches a model or database.
struct HealthHandlers: Sendable {
    let monitor: HealthMonitor
    let pingInterval: Duration

    /// Overall state and one entry per dependency; 503 only when the service is down.
    func overall(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        let snapshot = self.monitor.snapshot
        var response = HTTPResponse.json(
            bytes: snapshot.document, status: snapshot.status == .down ? .serviceUnavailable : .ok)
        response.headers.add("Cache-Control", "no-store")
        return response
    }

    /// The process answers: nothing more is checked.
    func live(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        .json(bytes: Array(#"{"status":"ok"}"#.utf8))
    }

    /// 200 once every readiness condition holds; 503 with what is missing before that and
    /// while draining.
    func ready(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        let readiness = self.monitor.readiness
        if readiness.ready {
            return .json(bytes: Array(#"{"status":"ready"}"#.utf8))
        }
        var body = Array(#"{"status":"#.utf8)
        JSONText.appendQuoted(readiness.draining ? "draining" : "not_ready", to: &body)
        body += Array(#","waiting_for":["#.utf8)
        for (index, condition) in readiness.waitingFor.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(condition, to: &body)
        }
        body += Array("]}".utf8)
        var response = HTTPResponse.json(bytes: body, status: .serviceUnavailable)
        response.headers.set("Retry-After", "1")
        return response
    }

    /// Server-Sent Events: the health document now and again whenever it changes.
    func stream(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        let monitor = self.monitor
        return .eventStream(pingInterval: self.pingInterval, shutdown: context.shutdown) { events in
            var sent = -1
            while !Task.isCancelled {
                let snapshot = monitor.snapshot
                if snapshot.version != sent {
                    sent = snapshot.version
                    let data = String(decoding: snapshot.document, as: UTF8.self)
                    try await events.send(ServerSentEvent(event: "health", data: data, id: "\(snapshot.version)"))
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
