public import BloomCore
import CLinux
import Glibc
import Synchronization

/// An HTTP/1.1 server: one epoll event loop per core, each with its own `SO_REUSEPORT`
/// listener, answering through an ``HTTPResponder``.
///
/// Lifecycle: ``start()`` binds and starts the loops; ``shutdown(timeout:)`` stops accepting,
/// lets in-flight requests finish, ends streams through ``shutdownSignal``, closes whatever
/// remains at the deadline, and stops the loops.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    public let logger: Logger
    /// Fired when a graceful shutdown begins; streaming handlers end on it.
    public let shutdownSignal = ShutdownSignal()
    let responder: any HTTPResponder
    /// The responder's ``HTTPResponder/recordsExchanges``, read once.
    let recordsExchanges: Bool
    private let loops: [EventLoop]
    private let openCount = Atomic<Int>(0)
    private let boundPort = Atomic<Int>(0)
    /// Owned by the mutex: each loop's listener, touched only on its loop but kept here to close.
    private let listeners = Mutex<[Listener?]>([])
    private let state = Mutex(LifecycleState.created)
    /// Read on every request to decide keep-alive, so an atomic rather than `state`'s lock.
    private let draining = Atomic<Bool>(false)

    private enum LifecycleState { case created, running, draining, stopped }

    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger) throws {
        self.configuration = configuration
        self.responder = responder
        self.recordsExchanges = responder.recordsExchanges
        self.logger = logger
        self.loops = try (0..<max(1, configuration.eventLoops)).map { try EventLoop(index: $0) }
    }

    /// The port the server listens on; the kernel's choice when configured with port 0.
    public var port: Int { self.boundPort.load(ordering: .relaxed) }

    /// Connections open right now, across all loops.
    public var openConnections: Int { self.openCount.load(ordering: .relaxed) }

    /// Binds the listening sockets and starts the loops' threads.
    public func start() throws {
        self.state.withLock { state in
            precondition(state == .created, "HTTPServer.start() called twice")
            state = .running
        }
        var port = self.configuration.port
        var fds: [Int32] = []
        do {
            try Socket.ensureAvailable(host: self.configuration.host, port: port)
            for _ in self.loops {
                let fd = try Socket.listen(host: self.configuration.host, port: port)
                port = Socket.localPort(of: fd)
                fds.append(fd)
            }
        } catch {
            for fd in fds { close(fd) }
            throw error
        }
        self.boundPort.store(port, ordering: .relaxed)
        self.listeners.withLock { $0 = Array(repeating: nil, count: self.loops.count) }
        for (loop, fd) in zip(self.loops, fds) {
            loop.start(name: "bloom-loop-\(loop.index)")
            loop.execute { [self] in
                loop.onTick { now in HTTPConnection.checkDeadlines(on: loop, now: now) }
                let listener = Listener(fd: fd, loop: loop, server: self)
                self.listeners.withLock { $0[loop.index] = listener }
            }
        }
    }

    /// Drains and stops the server; returns when every loop has stopped.
    ///
    /// - Parameter timeout: how long in-flight requests and streams get before they are cut.
    public func shutdown(timeout: Duration) async {
        let begin = self.state.withLock { state -> Bool in
            guard state == .running else { return false }
            state = .draining
            return true
        }
        guard begin else { return }
        self.draining.store(true, ordering: .relaxed)
        self.shutdownSignal.fire()
        for loop in self.loops {
            loop.execute { [self] in
                self.listeners.withLock { $0[loop.index]?.close() }
                HTTPConnection.drainAll(on: loop)
            }
        }

        let deadline = MonotonicClock.now() &+ MonotonicClock.nanoseconds(timeout)
        while self.openConnections > 0 && MonotonicClock.now() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let remaining = self.openConnections
        if remaining > 0 {
            self.logger.warning(
                "shutdown deadline reached; closing connections", metadata: ["connections": "\(remaining)"])
        }
        for loop in self.loops {
            loop.execute { HTTPConnection.closeAll(on: loop) }
            loop.stop()
        }
        self.state.withLock { $0 = .stopped }
    }

    // MARK: - Connection accounting (any loop)

    /// Counts a new connection, or refuses it when the limit is reached.
    func admitConnection() -> Bool {
        let after = self.openCount.add(1, ordering: .relaxed).newValue
        if after > self.configuration.maxConnections {
            self.openCount.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func connectionClosed() {
        self.openCount.subtract(1, ordering: .relaxed)
    }

    var isDraining: Bool { self.draining.load(ordering: .relaxed) }
}
