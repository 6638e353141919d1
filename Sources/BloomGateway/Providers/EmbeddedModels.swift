public import BloomCore
import Foundation
import Synchronization

/// The embedded models of one Bloom process, one host per GGUF file, shared by every provider
/// the router makes and kept across catalogue reloads, so a loaded model stays loaded.
public final class EmbeddedModels: Sendable {
    /// Engine threads per generation.
    public let threads: Int
    private let logger: Logger?
    /// Owned by the mutex: the host of each file path, created on first use.
    private let hosts = Mutex<[String: EmbeddedModelHost]>([:])

    /// - Parameters:
    ///   - threads: engine threads per generation; nil for one per active core.
    ///   - logger: where loads, unloads and load failures are logged; nil for nowhere.
    public init(threads: Int? = nil, logger: Logger? = nil) {
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.logger = logger
    }

    /// A provider for the model in `path`; it stays loaded for `keepAlive` after each request.
    public func provider(path: String, keepAlive: ModelKeepAlive) -> EmbeddedProvider {
        EmbeddedProvider(host: self.host(path), keepAlive: keepAlive)
    }

    /// Whether the model in `path` is in memory, and busy.
    public func state(of path: String) -> EmbeddedModelState {
        self.hosts.withLock { $0[path] }?.state ?? .unloaded
    }

    /// How many times the model in `path` has been read from disk.
    public func loads(of path: String) -> Int {
        self.hosts.withLock { $0[path] }?.loads ?? 0
    }

    func host(_ path: String) -> EmbeddedModelHost {
        self.hosts.withLock { hosts in
            if let host = hosts[path] { return host }
            let host = EmbeddedModelHost(path: path, threads: self.threads, logger: self.logger)
            hosts[path] = host
            return host
        }
    }
}
