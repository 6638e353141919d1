import BloomCore
import BloomHTTP
import Foundation

/// `GET /info`: what is running and how it is configured, without secrets.
struct InfoHandler: Sendable {
    let configuration: Configuration
    let build: BuildInfo
    let startedAt: Date
    let startedMonotonic: UInt64
    /// The bound port, known only after the server started.
    let port: @Sendable () -> Int

    func info(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let uptime = MonotonicClock.milliseconds(from: self.startedMonotonic, to: MonotonicClock.now()) / 1000
        let object: [String: Any] = [
            "name": "PixelCraft Bloom",
            "version": self.build.version,
            "git_revision": self.build.revision,
            "build_date": self.build.date,
            "started_at": self.startedAt.formatted(.iso8601),
            "uptime_seconds": (uptime * 10).rounded() / 10,
            "listen": "\(self.configuration.host):\(self.port())",
            "store": self.store,
            "providers": self.providers,
            "features": self.features,
        ]
        return try .json(object: object)
    }

    /// The configured store, with any password in its URL masked.
    private var store: [String: Any] {
        let url = self.configuration.effectiveDatabaseURL
        let kind = url.hasPrefix("sqlite:") ? "sqlite" : "postgres"
        return ["kind": kind, "location": Redaction.redactCredentials(inURL: url)]
    }

    private var providers: [[String: Any]] {
        guard let host = self.configuration.ollamaHost else { return [] }
        var entry: [String: Any] = ["kind": "ollama", "url": Redaction.redactCredentials(inURL: host)]
        if let model = self.configuration.ollamaModel { entry["model"] = model }
        return [entry]
    }

    private var features: [String: Any] {
        [
            "cors": !self.configuration.corsOrigins.isEmpty,
            "redis": self.configuration.redisURL != nil,
            "access_log": self.configuration.logLevel <= .info,
            "log_format": self.configuration.logFormat.rawValue,
        ]
    }
}
