import BloomCore
public import BloomGateway
import BloomHTTP
import Foundation
import Synchronization

/// The model gateway of a running Bloom: catalogue, router and probes, replaced as a whole
/// when the configuration is reloaded, so a request always sees one consistent set.
public final class Gateway: Sendable {
    /// One generation of the gateway's parts.
    public struct Parts: Sendable {
        public let catalogue: Catalogue
        public let router: ModelRouter
        public let models: ModelHealthMonitor
    }

    private let client: HTTPClient
    private let metrics = ModelMetrics()
    /// The embedded models, kept across reloads so a loaded model is not read again.
    let embedded: EmbeddedModels
    /// Owned by the mutex: the parts requests use now.
    private let parts: Mutex<Parts>

    init(configuration: Configuration, environment: [String: String], logger: Logger? = nil) throws {
        self.client = try HTTPClient()
        self.embedded = EmbeddedModels(logger: logger?.child(label: "engine"))
        let first = try Self.parts(
            configuration, environment, client: self.client, metrics: self.metrics, embedded: self.embedded)
        self.parts = Mutex(first)
    }

    public var current: Parts { self.parts.withLock { $0 } }

    /// Builds the parts from a new configuration and swaps them in; on error the old ones stay.
    /// Metrics carry over: they describe models by name, whatever the catalogue.
    func reload(configuration: Configuration, environment: [String: String]) throws -> Parts {
        let next = try Self.parts(
            configuration, environment, client: self.client, metrics: self.metrics, embedded: self.embedded)
        self.parts.withLock { $0 = next }
        return next
    }

    private static func parts(
        _ configuration: Configuration,
        _ environment: [String: String],
        client: HTTPClient,
        metrics: ModelMetrics,
        embedded: EmbeddedModels
    ) throws -> Parts {
        let catalogue = try Catalogue(configuration: configuration, environment: environment)
        var policy = RouterPolicy()
        policy.deadline = configuration.ollamaTimeout
        policy.firstTokenTimeout = min(policy.firstTokenTimeout, configuration.ollamaTimeout)
        let router = ModelRouter(
            catalogue: catalogue,
            policy: policy,
            metrics: metrics,
            makeProvider: ModelRouter.providers(
                client: client, embedded: embedded, keepAlive: configuration.ollamaKeepAlive)
        )
        return Parts(
            catalogue: catalogue,
            router: router,
            models: ModelHealthMonitor(catalogue: catalogue, client: client, embedded: embedded)
        )
    }
}
