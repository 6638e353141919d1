import CKernels
import Glibc
import Synchronization

/// Persistent threads that run one parallel region at a time, with the caller as worker 0.
///
/// A decoded token is 150–200 parallel regions of a few microseconds each, so per-region cost
/// decides the design: libdispatch's `concurrentPerform` measured 13–16 µs per region here,
/// more than the work. Workers spin on a generation counter (about 0.5 µs to start a region)
/// and park on a condition variable after `spinLimit` idle checks, so an idle engine does not
/// burn a core.
package final class WorkerPool: @unchecked Sendable {
    package let threadCount: Int

    /// Bumped once per region; workers run the job when it changes.
    private let generation = Atomic<Int>(0)
    /// Workers still running the current region.
    private let pending = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    /// Written by the caller before `generation` is bumped; read by workers after they see it.
    private var job: ((Int) -> Void)?
    private var mutex = pthread_mutex_t()
    private var wake = pthread_cond_t()
    private var threads: [pthread_t] = []
    /// About 100–200 µs of pause instructions before a worker parks.
    private let spinLimit = 20_000

    package init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        pthread_mutex_init(&self.mutex, nil)
        pthread_cond_init(&self.wake, nil)
        for index in 1..<self.threadCount {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(
                &thread, nil,
                { raw in
                    let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                    context.pool.workerLoop(index: context.index)
                    return nil
                }, context)
            precondition(status == 0, "cannot start engine worker thread: error \(status)")
            self.threads.append(thread)
        }
    }

    /// Stops and joins the workers; the pool cannot be used afterwards.
    package func shutdown() {
        guard !self.stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        self.generation.wrappingAdd(1, ordering: .releasing)
        pthread_mutex_lock(&self.mutex)
        pthread_cond_broadcast(&self.wake)
        pthread_mutex_unlock(&self.mutex)
        for thread in self.threads { pthread_join(thread, nil) }
    }

    deinit {
        self.shutdown()
        pthread_mutex_destroy(&self.mutex)
        pthread_cond_destroy(&self.wake)
    }

    /// Runs `job(worker)` for every worker index in `0..<threadCount` and returns when all are done.
    ///
    /// - Warning: One region at a time: the pool belongs to one generating thread.
    package func run(_ job: @escaping (Int) -> Void) {
        guard self.threadCount > 1 else { return job(0) }
        self.job = job
        self.pending.store(self.threadCount - 1, ordering: .relaxed)
        // Sequentially consistent on both sides of the park check, so that a worker about to
        // sleep either sees the new generation or is seen in `sleepers` and woken.
        self.generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if self.sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(&self.mutex)
            pthread_cond_broadcast(&self.wake)
            pthread_mutex_unlock(&self.mutex)
        }
        job(0)
        while self.pending.load(ordering: .acquiring) > 0 { spinPause() }
        self.job = nil
    }

    /// The part of `0..<count` that `worker` takes, in contiguous slices of `granule`.
    package func slice(of count: Int, worker: Int, granule: Int = 1) -> Range<Int> {
        let units = (count + granule - 1) / granule
        let start = units * worker / self.threadCount * granule
        let end = units * (worker + 1) / self.threadCount * granule
        return min(start, count)..<min(end, count)
    }

    private func workerLoop(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            var current = self.generation.load(ordering: .acquiring)
            while current == seen {
                spins += 1
                if spins < self.spinLimit {
                    spinPause()
                } else {
                    self.park(seen: seen)
                    spins = 0
                }
                current = self.generation.load(ordering: .acquiring)
            }
            seen = current
            if self.stopping.load(ordering: .acquiring) { return }
            self.job?(index)
            self.pending.wrappingSubtract(1, ordering: .releasing)
        }
    }

    private func park(seen: Int) {
        pthread_mutex_lock(&self.mutex)
        self.sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
        while self.generation.load(ordering: .sequentiallyConsistent) == seen {
            pthread_cond_wait(&self.wake, &self.mutex)
        }
        self.sleepers.wrappingSubtract(1, ordering: .acquiringAndReleasing)
        pthread_mutex_unlock(&self.mutex)
    }
}

private final class WorkerContext {
    let pool: WorkerPool
    let index: Int

    init(pool: WorkerPool, index: Int) {
        self.pool = pool
        self.index = index
    }
}

@inline(__always)
private func spinPause() {
    bloom_cpu_relax()
}
