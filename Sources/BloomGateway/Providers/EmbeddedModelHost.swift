import BloomCore
import BloomEngine
import Foundation

/// One embedded model's life in memory, and the one thread that runs it.
///
/// States, as Ollama's scheduler has them for a runner:
///
/// ```
/// unloaded ──job──▶ loading ──▶ busy ⇄ idle ──keep-alive passes──▶ unloaded
///                      └──load fails──▶ unloaded
/// ```
///
/// Jobs wait in a first-in, first-out queue and run one at a time on a dedicated thread, never
/// on Swift's cooperative pool: a generation is seconds of blocking, CPU-bound work that would
/// starve every async task. The thread holds the loaded model; when the keep-alive passes with
/// nothing queued, it ends and the model is freed with it. The next job starts a new thread and
/// loads the model again.
final class EmbeddedModelHost: @unchecked Sendable {
    /// A unit of work for the model thread.
    struct Job {
        /// How long the model stays loaded after this job.
        var keepAlive: ModelKeepAlive
        /// Tokens of context this job needs (`num_ctx`); nil for the engine's default.
        var contextLength: Int?
        /// True when the caller has gone; a queued job that is cancelled is skipped.
        var isCancelled: @Sendable () -> Bool
        /// Runs on the model thread with the loaded model.
        var run: (LoadedEmbeddedModel) -> Void
        /// Called instead of `run` when the model cannot be loaded or the job was cancelled.
        var fail: (any Error) -> Void
    }

    let path: String
    let threads: Int
    private let logger: Logger?

    /// Guards every field below it; the model thread waits on it for jobs or the keep-alive.
    private let condition = NSCondition()
    /// Owned by `condition`.
    private var phase = EmbeddedModelState.unloaded
    /// Owned by `condition`: jobs not started yet, oldest first.
    private var queue: [Job] = []
    /// Owned by `condition`: when an idle model unloads; nil while busy or kept forever.
    private var unloadAt: ContinuousClock.Instant?
    /// Owned by `condition`: whether a model thread exists.
    private var threadRunning = false
    /// Owned by `condition`: completed loads, for metrics and tests.
    private var loadCount = 0

    init(path: String, threads: Int, logger: Logger?) {
        self.path = path
        self.threads = threads
        self.logger = logger
    }

    var state: EmbeddedModelState { self.condition.withLock { self.phase } }

    /// Times the model has been read from disk.
    var loads: Int { self.condition.withLock { self.loadCount } }

    /// Jobs waiting behind the running one.
    var waiting: Int { self.condition.withLock { self.queue.count } }

    /// Queues `job`; it runs after every job submitted before it.
    func submit(_ job: Job) {
        self.condition.withLock {
            self.queue.append(job)
            if !self.threadRunning {
                self.threadRunning = true
                let thread = Thread { [self] in self.serve() }
                thread.name = "bloom-model"
                thread.start()
            }
            self.condition.signal()
        }
    }

    /// The model thread: takes jobs until the model unloads, then ends, releasing the model.
    private func serve() {
        var loaded: LoadedEmbeddedModel?
        while let job = self.next(isLoaded: loaded != nil) {
            if job.isCancelled() {
                job.fail(CancellationError())
                self.finished(job, isLoaded: loaded != nil)
                continue
            }
            do {
                loaded = try self.prepare(loaded, contextLength: job.contextLength)
            } catch {
                loaded = nil
                self.logger?.warning(
                    "model load failed", metadata: ["model": .string(self.path), "error": .string(error.message)])
                job.fail(error)
                self.finished(job, isLoaded: false)
                continue
            }
            self.condition.withLock { self.phase = .busy }
            job.run(loaded!)
            self.finished(job, isLoaded: true)
        }
        if loaded != nil { self.logger?.info("model unloaded", metadata: ["model": .string(self.path)]) }
    }

    /// The next job, waiting for one while the model is loaded and kept; nil when the thread
    /// should end (nothing queued and the model unloaded, or its keep-alive passed).
    private func next(isLoaded: Bool) -> Job? {
        self.condition.lock()
        defer { self.condition.unlock() }
        while true {
            if !self.queue.isEmpty {
                self.phase = isLoaded ? .busy : .loading
                self.unloadAt = nil
                return self.queue.removeFirst()
            }
            let expired = self.unloadAt.map { ContinuousClock.now >= $0 } ?? false
            if !isLoaded || expired {
                self.phase = .unloaded
                self.unloadAt = nil
                self.threadRunning = false
                return nil
            }
            if let unloadAt = self.unloadAt {
                let seconds = Self.seconds(unloadAt - ContinuousClock.now)
                _ = self.condition.wait(until: Date(timeIntervalSinceNow: max(seconds, 0)))
            } else {
                self.condition.wait()
            }
        }
    }

    /// After a job: idle, with the job's keep-alive counting from now.
    private func finished(_ job: Job, isLoaded: Bool) {
        self.condition.withLock {
            self.phase = isLoaded ? .idle : .unloaded
            switch job.keepAlive {
            case .forever: self.unloadAt = nil
            case .duration(let duration): self.unloadAt = ContinuousClock.now + duration
            }
        }
    }

    /// The model ready for a job needing `contextLength`: the one loaded, a new context over the
    /// same weights when the size differs, or a fresh load.
    private func prepare(
        _ loaded: LoadedEmbeddedModel?, contextLength: Int?
    ) throws(ProviderError) -> LoadedEmbeddedModel {
        if let loaded, loaded.requestedContext == contextLength { return loaded }
        let start = ContinuousClock.now
        let model: Model
        if let loaded {
            model = loaded.generator.model
        } else {
            model = try Self.loadModel(self.path)
            self.condition.withLock { self.loadCount += 1 }
        }
        let generator: Generator
        do {
            generator = try Generator(model: model, contextLength: contextLength, threads: self.threads)
        } catch {
            throw ProviderError(.modelMissing, "\(self.path) cannot be used: \(error)")
        }
        self.logger?.info(
            loaded == nil ? "model loaded" : "model context resized",
            metadata: [
                "model": .string(self.path),
                "context": .integer(generator.transformer.contextCapacity),
                "threads": .integer(self.threads),
                "seconds": .double(Self.seconds(ContinuousClock.now - start)),
            ])
        return LoadedEmbeddedModel(generator: generator, requestedContext: contextLength)
    }

    private static func loadModel(_ path: String) throws(ProviderError) -> Model {
        guard FileManager.default.fileExists(atPath: path) else { throw Self.missingFile(path) }
        do {
            return try Model(path: path)
        } catch {
            throw ProviderError(.modelMissing, "\(path) cannot be loaded: \(error)")
        }
    }

    /// The error for a model file that is not there, with how to get it.
    static func missingFile(_ path: String) -> ProviderError {
        let remedy =
            EmbeddedModelReference.isDefaultFile(path)
            ? "run `bloom pull smollm2`" : "check the model's \"path\" in bloom.json"
        return ProviderError(.modelMissing, "no model file at \(path); \(remedy)")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A model in memory with its generator (KV cache, scratch buffers, worker threads). Used only
/// on its host's model thread.
final class LoadedEmbeddedModel: @unchecked Sendable {
    let generator: Generator
    /// How the model's conversations are laid out (from `tokenizer.chat_template`).
    let template: ChatTemplate
    /// The `num_ctx` it was made for; nil for the engine's default.
    let requestedContext: Int?

    init(generator: Generator, requestedContext: Int?) {
        self.generator = generator
        self.template = ChatTemplate(file: generator.model.file)
        self.requestedContext = requestedContext
    }
}

/// Where an embedded model is in its life: not in memory, being read, loaded and waiting, or
/// generating.
public enum EmbeddedModelState: String, Sendable, Equatable {
    case unloaded, loading, idle, busy
}
