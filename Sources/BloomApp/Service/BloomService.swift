public import BloomCore
import BloomGateway
import BloomHTTP
public import BloomStore
import Dispatch
import Foundation
import Glibc
import Synchronization

/// The running Bloom: configuration in, HTTP server, health monitor and handlers wired
/// together, until a signal asks it to stop.
public final class BloomService: Sendable {
    public let configuration: Configuration
    public let logger: Logger
    public let health: HealthMonitor
    /// The model gateway; reloaded in place on SIGHUP.
    public let gateway: Gateway
    /// Reads the configuration again for a reload; nil when the service was built without one.
    private let reloadConfiguration: (@Sendable () throws -> Configuration)?
    /// False when the public folder is missing; start-up warns about it.
    private let servesStaticFiles: Bool
    /// Where conversations, messages and metrics are kept; opened and migrated before the
    /// service is built (``openStore(configuration:logger:)``), closed by ``stop()``. Nil only
    /// for services built without one (tests of other parts); the chat API needs it.
    public let store: (any Store)?
    /// Batches chat metrics into the store; nil without a store.
    let metricsRecorder: MetricsRecorder?
    /// Owned by the mutex: the recorder's periodic flush, from start to stop.
    private let metricsFlushing = Mutex<Task<Void, Never>?>(nil)
    let server: HTTPServer

    /// Builds everything; nothing listens until ``start()``.
    public init(
        configuration: Configuration,
        logger: Logger,
        build: BuildInfo = .current,
        reloadConfiguration: (@Sendable () throws -> Configuration)? = nil,
        store: (any Store)? = nil
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.reloadConfiguration = reloadConfiguration
        self.store = store
        let gateway = try Gateway(
            configuration: configuration, environment: ProcessInfo.processInfo.environment, logger: logger)
        self.gateway = gateway
        let health = HealthMonitor(
            checks: [DataDirectoryCheck(path: configuration.dataDirectory)],
            readinessConditions: ["startup", "chat"],
            logger: logger.child(label: "health")
        )
        health.add(ModelsHealthCheck(gateway: gateway) { health.setCondition("chat", met: $0) })
        if let store {
            health.add(StoreHealthCheck(store: store, kind: Self.storeKind(configuration)))
        }
        self.health = health

        let serverBox = ServerBox()
        let info = InfoHandler(
            configuration: configuration,
            build: build,
            startedAt: Date(),
            startedMonotonic: MonotonicClock.now(),
            port: { serverBox.server?.port ?? configuration.port }
        )
        let handlers = HealthHandlers(monitor: self.health, pingInterval: configuration.ssePingInterval)
        let recorder = store.map { MetricsRecorder(store: $0, logger: logger.child(label: "metrics")) }
        self.metricsRecorder = recorder
        let chat = store.map { store in
            ChatService(
                gateway: gateway, store: store, systemPrompt: configuration.systemPrompt,
                fallbackMessage: configuration.fallbackMessage, metrics: recorder!, logger: logger.child(label: "chat"))
        }
        let staticFiles = StaticFiles(root: configuration.publicDirectory)
        self.servesStaticFiles = staticFiles != nil
        let application = HTTPApplication(
            router: Self.routes(
                health: handlers,
                info: info,
                models: ModelHandlers(gateway: gateway),
                modelTest: ModelTestHandler(gateway: gateway),
                benchmark: ModelBenchmarkHandler(gateway: gateway),
                chat: chat.map { ChatHandlers(service: $0, pingInterval: configuration.ssePingInterval) },
                metrics: store.map { ModelMetricsHandler(store: $0, recorder: recorder!) },
                openAI: chat.map {
                    OpenAIAdapter(
                        service: $0, keys: APIKeys(configuration.apiKeys), pingInterval: configuration.ssePingInterval,
                        startedAt: Date(), logger: logger.child(label: "openai"))
                },
                ollama: chat.map {
                    OllamaAdapter(service: $0, startedAt: Date(), logger: logger.child(label: "ollama"))
                }
            ),
            middleware: [
                RequestIDMiddleware(),
                SecurityHeadersMiddleware(),
                CORSMiddleware(origins: configuration.corsOrigins),
            ],
            staticFiles: staticFiles,
            logger: logger.child(label: "http"),
            accessLog: true
        )
        self.server = try HTTPServer(
            configuration: Self.serverConfiguration(configuration),
            responder: application,
            logger: logger.child(label: "http")
        )
        serverBox.server = self.server
    }

    /// The port the server listens on (the kernel's choice when configured with 0).
    public var port: Int { self.server.port }

    /// Prepares the data directory, runs the first health check and starts listening.
    public func start() async throws {
        try FileManager.default.createDirectory(
            atPath: self.configuration.dataDirectory, withIntermediateDirectories: true)
        await self.health.refresh()
        try self.server.start()
        if let recorder = self.metricsRecorder {
            self.metricsFlushing.withLock { $0 = Task { await recorder.run() } }
        }
        try? "\(getpid())\n".write(toFile: self.pidFile, atomically: true, encoding: .utf8)
        self.health.setCondition("startup", met: true)
        self.logger.info(
            "listening",
            metadata: [
                "address": .string("http://\(self.configuration.host):\(self.server.port)"),
                "event_loops": .integer(self.configuration.eventLoops),
                "health": .string(self.health.snapshot.status.rawValue),
            ]
        )
        if !self.servesStaticFiles {
            self.logger.warning(
                "static files folder not found; only the API is served",
                metadata: ["public_dir": .string(self.configuration.publicDirectory)])
        }
    }

    /// Reads the configuration again and swaps in a new model gateway; the HTTP settings
    /// (address, limits) keep their values until a restart. A configuration that fails to
    /// load or a broken catalogue is logged and the running gateway stays.
    public func reload() async {
        guard let reloadConfiguration = self.reloadConfiguration else { return }
        do {
            let configuration = try reloadConfiguration()
            let parts = try self.gateway.reload(
                configuration: configuration, environment: ProcessInfo.processInfo.environment)
            self.logger.info("configuration reloaded", metadata: ["models": .integer(parts.catalogue.models.count)])
            await self.health.refresh()
        } catch {
            self.logger.error(
                "reload failed; the previous configuration stays", metadata: ["error": .string("\(error)")])
        }
    }

    /// Where `bloom reload` finds the process serving from `dataDirectory`.
    static func pidFile(dataDirectory: String) -> String { dataDirectory + "/bloom.pid" }

    var pidFile: String { Self.pidFile(dataDirectory: self.configuration.dataDirectory) }

    /// Asks every chat model for one token, so their first loads happen before visitors come.
    /// Failures are logged, not fatal: the model may come up later.
    func warmUp() async {
        var options = GenerationOptions()
        options.maxTokens = 1
        let parts = self.gateway.current
        for model in parts.catalogue.candidates(forTask: "chat") ?? [] {
            let start = MonotonicClock.now()
            do {
                let generation = try await parts.router.generate(
                    [ChatMessage(.user, "Hi")], options: options, model: model.name)
                for try await _ in generation.events {}
                let seconds = MonotonicClock.milliseconds(from: start, to: MonotonicClock.now()) / 1000
                self.logger.info("model warmed", metadata: ["model": .string(model.name), "seconds": .double(seconds)])
            } catch {
                self.logger.warning(
                    "model warm-up failed", metadata: ["model": .string(model.name), "error": .string("\(error)")])
            }
        }
    }

    /// Drains: readiness off, stop accepting, let requests finish until the shutdown timeout.
    public func stop() async {
        self.health.beginDraining()
        self.logger.info("shutting down", metadata: ["deadline": .string("\(self.configuration.shutdownTimeout)")])
        await self.server.shutdown(timeout: self.configuration.shutdownTimeout)
        // Chats that ended during the drain have their metrics waiting; the periodic flush is
        // let finish its last write before the store closes under it.
        let flushing = self.metricsFlushing.withLock { $0 }
        flushing?.cancel()
        await flushing?.value
        await self.metricsRecorder?.flush()
        await self.store?.close()
        try? FileManager.default.removeItem(atPath: self.pidFile)
        self.logger.info("stopped")
    }

    /// Starts, then serves until SIGTERM or SIGINT, then drains and returns.
    public func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try await self.start()
        let monitor = Task { await self.health.runPeriodically() }
        if self.configuration.warmup { Task { await self.warmUp() } }
        let hangups = Self.onSignal(SIGHUP) { Task { await self.reload() } }
        defer { hangups.cancel() }
        await Self.waitForTerminationSignal()
        monitor.cancel()
        await self.stop()
    }

    /// Suspends until SIGTERM or SIGINT arrives.
    static func waitForTerminationSignal() async {
        let queue = DispatchQueue(label: "bloom.signals")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = SignalLatch(continuation)
            var sources: [any DispatchSourceSignal] = []
            for number in [SIGTERM, SIGINT] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { once.fire() }
                source.resume()
                sources.append(source)
            }
            once.keep(sources)
        }
    }

    /// Runs `action` on every delivery of `number` until the returned source is cancelled.
    static func onSignal(_ number: Int32, _ action: @escaping @Sendable () -> Void) -> any DispatchSourceSignal {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(
            signal: number, queue: DispatchQueue(label: "bloom.signal.\(number)"))
        source.setEventHandler(handler: action)
        source.resume()
        return source
    }

    private static func serverConfiguration(_ configuration: Configuration) -> HTTPServerConfiguration {
        var server = HTTPServerConfiguration()
        server.host = configuration.host
        server.port = configuration.port
        server.eventLoops = configuration.eventLoops
        server.maxHeaderBytes = configuration.maxHeaderBytes
        server.maxBodyBytes = configuration.maxBodyBytes
        server.maxConnections = configuration.maxConnections
        server.headerTimeout = configuration.headerTimeout
        server.bodyTimeout = configuration.bodyTimeout
        server.idleTimeout = configuration.idleTimeout
        server.standardHeaders = StandardHeaders(SecurityHeadersMiddleware.standardHeaders)
        return server
    }
}

/// Lets the `/info` handler read the bound port of a server created after it.
private final class ServerBox: @unchecked Sendable {
    /// Written once during ``BloomService/init``, before any request can be served.
    var server: HTTPServer?
}

/// Resumes a continuation on the first signal only; keeps the signal sources alive.
private final class SignalLatch: @unchecked Sendable {
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []
    /// Every access happens on the signal queue or before the sources resume.
    private let lock = NSLock()

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func keep(_ sources: [any DispatchSourceSignal]) { self.lock.withLock { self.sources = sources } }

    func fire() {
        let continuation = self.lock.withLock { () -> CheckedContinuation<Void, Never>? in
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume()
    }
}
