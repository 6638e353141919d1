public import BloomHTTP
import Synchronization

/// Probes every model of the catalogue on an interval, so that health questions never start a
/// model call and routing can prefer what is known to work.
public final class ModelHealthMonitor: Sendable {
    public let catalogue: Catalogue
    public let interval: Duration
    private let client: HTTPClient
    private let embedded: EmbeddedModels
    private let probeTimeout: Duration
    /// Owned by the mutex: the latest status per model name.
    private let statuses = Mutex<[String: ModelStatus]>([:])

    /// - Parameter embedded: the process's embedded models, so a loaded one reads as ready
    ///   without touching its file.
    public init(
        catalogue: Catalogue, client: HTTPClient, embedded: EmbeddedModels = EmbeddedModels(),
        interval: Duration = .seconds(10), probeTimeout: Duration = .seconds(3)
    ) {
        self.catalogue = catalogue
        self.client = client
        self.embedded = embedded
        self.interval = interval
        self.probeTimeout = probeTimeout
    }

    /// The latest status of `model`; `unknown` before its first probe.
    public func status(of model: String) -> ModelStatus {
        self.statuses.withLock { $0[model] } ?? ModelStatus(state: .unknown)
    }

    /// Whether any model for `task` is ready.
    public func canServe(task: String) -> Bool {
        (self.catalogue.candidates(forTask: task) ?? []).contains { self.status(of: $0.name).state == .ready }
    }

    /// Probes every endpoint of every model once, concurrently.
    public func refresh() async {
        await withTaskGroup(of: (String, ModelStatus).self) { group in
            for model in self.catalogue.models {
                group.addTask {
                    if model.provider == .embedded {
                        return (model.name, EmbeddedModelProbe.probe(model, models: self.embedded))
                    }
                    var best = ModelStatus(state: .unknown)
                    for endpoint in model.endpoints {
                        let status = await ModelProbe.probe(
                            model, endpoint: endpoint, client: self.client, timeout: self.probeTimeout)
                        if best.state == .unknown
                            || (status.state != best.state && status.state.better(best.state) == status.state)
                        {
                            best = status
                        }
                    }
                    return (model.name, best)
                }
            }
            for await (name, status) in group {
                self.statuses.withLock { $0[name] = status }
            }
        }
    }

    /// Refreshes on the interval until the task is cancelled.
    public func runPeriodically() async {
        while !Task.isCancelled {
            await self.refresh()
            try? await Task.sleep(for: self.interval)
        }
    }
}
