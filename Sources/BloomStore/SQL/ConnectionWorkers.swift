import Foundation

/// Threads that own database connections and run jobs for async callers.
///
/// Each thread owns exactly one connection and is the only thread that touches it; jobs wait
/// in one queue and the first free thread takes the next. SQLite gets one thread (one writer
/// per file anyway), Postgres one per pooled connection. Blocking calls therefore happen on
/// these threads, never on an HTTP event loop or the Swift cooperative pool: the caller
/// suspends on a continuation that the thread resumes when the job is done.
///
/// - Note: A job is not interrupted when its task is cancelled; database calls here are short,
///   and stopping one halfway would leave its connection in an unknown state.
final class ConnectionWorkers<Connection: DatabaseConnection>: @unchecked Sendable {
    private typealias Job = (Connection) -> Void

    /// Guards `jobs`, `closed`, `running` and `closeWaiters`; threads wait on it for work.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var nextJob = 0
    private var closed = false
    private var running: Int
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []

    /// Starts one thread per connection; each connection is handed to its thread and no
    /// longer touched by the caller.
    init(connections: [Connection], name: String) {
        precondition(!connections.isEmpty, "ConnectionWorkers needs at least one connection")
        self.running = connections.count
        for (index, connection) in connections.enumerated() {
            let owned = Handover(connection)
            let thread = Thread { [self] in self.serve(owned.value) }
            thread.name = "\(name).\(index)"
            thread.start()
        }
    }

    /// Runs `body` with a connection on a worker thread and returns its result.
    @discardableResult
    func run<T: Sendable>(
        _ body: @escaping @Sendable (Connection) throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<T, StoreError>, Never>) in
            let job: Job = { connection in
                do throws(StoreError) {
                    continuation.resume(returning: .success(try body(connection)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            self.condition.lock()
            guard !self.closed else {
                self.condition.unlock()
                continuation.resume(returning: .failure(StoreError(.unavailable, "the store is closed")))
                return
            }
            self.jobs.append(job)
            self.condition.signal()
            self.condition.unlock()
        }
        return try result.get()
    }

    /// Lets queued jobs finish, then stops the threads and closes their connections.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.condition.lock()
            self.closed = true
            if self.running == 0 {
                self.condition.unlock()
                continuation.resume()
                return
            }
            self.closeWaiters.append(continuation)
            self.condition.broadcast()
            self.condition.unlock()
        }
    }

    /// A thread's loop: take a job, run it, until closed and drained.
    private func serve(_ connection: Connection) {
        while let job = self.take() {
            job(connection)
        }
        connection.close()
        self.condition.lock()
        self.running -= 1
        let waiters = self.running == 0 ? self.closeWaiters : []
        if self.running == 0 { self.closeWaiters = [] }
        self.condition.unlock()
        for waiter in waiters { waiter.resume() }
    }

    /// The next job, waiting for one; nil once closed with nothing left.
    private func take() -> Job? {
        self.condition.lock()
        defer { self.condition.unlock() }
        while self.nextJob == self.jobs.count {
            if self.closed { return nil }
            self.condition.wait()
        }
        let job = self.jobs[self.nextJob]
        self.nextJob += 1
        // Drop finished jobs in bulk rather than shifting the array on every take.
        if self.nextJob > 64, self.nextJob * 2 > self.jobs.count {
            self.jobs.removeFirst(self.nextJob)
            self.nextJob = 0
        }
        return job
    }
}

/// Carries a value that is not `Sendable` (a connection) from one thread to the next owner;
/// the sender does not touch it afterwards.
private struct Handover<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs blocking work (opening files and sockets) on a thread of its own, so that opening a
/// store does not block the cooperative pool either.
func onOwnThread<T>(
    _ name: String, _ body: @escaping @Sendable () throws(StoreError) -> T
) async throws(StoreError) -> T {
    let result = await withCheckedContinuation {
        (continuation: CheckedContinuation<Handover<Result<T, StoreError>>, Never>) in
        let thread = Thread {
            do throws(StoreError) {
                continuation.resume(returning: Handover(.success(try body())))
            } catch {
                continuation.resume(returning: Handover(.failure(error)))
            }
        }
        thread.name = name
        thread.start()
    }
    return try result.value.get()
}
