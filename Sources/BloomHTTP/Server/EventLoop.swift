import BloomCore
import CLinux
import Foundation
import Glibc
import Synchronization

/// One thread running `epoll_wait`, owning the sockets registered with it.
///
/// Everything a loop owns (its connections, listener, read buffer, cached `Date` header) is
/// touched only on its thread. Other threads, and async handlers, reach it through
/// ``execute(_:)``, which queues a closure and wakes the loop through an `eventfd`.
final class EventLoop: @unchecked Sendable {
    /// Something with a file descriptor that the loop reports readiness to.
    protocol Selectable: AnyObject {
        func handleEvents(_ events: UInt32)
    }

    let index: Int
    private let epollFD: Int32
    private let wakeFD: Int32
    /// Owned by `queueLock`: closures posted from other threads, run on the next iteration.
    private let queued = Mutex<[@Sendable () -> Void]>([])
    private let tickInterval: UInt64 = 250_000_000

    // Loop-confined state below.
    /// Indexed by file descriptor: descriptors are small integers, and an array look-up per
    /// event is cheaper than hashing.
    private var selectables: [(any Selectable)?] = []
    private var registeredCount = 0
    private var tickHandlers: [(UInt64) -> Void] = []
    private var stopping = false
    private var threadID: pthread_t?
    private(set) var now: UInt64 = MonotonicClock.now()
    /// Scratch space for `read`; one per loop because only one socket is read at a time.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    let dateCache = HTTPDateCache()

    init(index: Int) throws {
        self.index = index
        self.epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard self.epollFD >= 0 else { throw SocketError.system("epoll_create1", errno) }
        self.wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard self.wakeFD >= 0 else { throw SocketError.system("eventfd", errno) }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = self.wakeFD
        epoll_ctl(self.epollFD, EPOLL_CTL_ADD, self.wakeFD, &event)
    }

    deinit {
        close(self.epollFD)
        close(self.wakeFD)
        self.readBuffer.deallocate()
    }

    /// Whether the caller is on this loop's thread.
    var inLoop: Bool {
        guard let threadID = self.threadID else { return false }
        return pthread_equal(threadID, pthread_self()) != 0
    }

    /// Runs `work` on the loop's thread; safe from any thread.
    func execute(_ work: @escaping @Sendable () -> Void) {
        let wasEmpty = self.queued.withLock { queue -> Bool in
            queue.append(work)
            return queue.count == 1
        }
        if wasEmpty {
            var one: UInt64 = 1
            _ = write(self.wakeFD, &one, 8)
        }
    }

    /// Starts the loop's thread.
    func start(name: String) {
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Asks the loop to exit after its current iteration.
    func stop() {
        self.execute { [self] in self.stopping = true }
    }

    // MARK: - Registration (loop thread only)

    func register(_ fd: Int32, _ selectable: any Selectable, events: UInt32) {
        let index = Int(fd)
        if index >= self.selectables.count {
            self.selectables.append(contentsOf: repeatElement(nil, count: index + 1 - self.selectables.count))
        }
        self.selectables[index] = selectable
        self.registeredCount += 1
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        epoll_ctl(self.epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    func modify(_ fd: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        epoll_ctl(self.epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Forgets `fd`; the caller closes it.
    func deregister(_ fd: Int32) {
        guard Int(fd) < self.selectables.count, self.selectables[Int(fd)] != nil else { return }
        self.selectables[Int(fd)] = nil
        self.registeredCount -= 1
        epoll_ctl(self.epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    /// Everything registered on this loop, for shutdown and deadline sweeps.
    func allSelectables() -> [any Selectable] {
        guard self.registeredCount > 0 else { return [] }
        return self.selectables.compactMap { $0 }
    }

    /// Adds work run about four times a second with the current time (deadline checks).
    func onTick(_ handler: @escaping (UInt64) -> Void) {
        self.tickHandlers.append(handler)
    }

    // MARK: - The loop

    private func run() {
        self.threadID = pthread_self()
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        var lastTick = MonotonicClock.now()

        while !self.stopping {
            let count = epoll_wait(self.epollFD, events, Int32(capacity), 250)
            self.now = MonotonicClock.now()
            if count > 0 {
                for i in 0..<Int(count) {
                    self.dispatch(events[i])
                }
            }
            self.runQueued()
            if self.now &- lastTick >= self.tickInterval {
                lastTick = self.now
                for handler in self.tickHandlers { handler(self.now) }
            }
        }
        self.runQueued()
    }

    private func dispatch(_ event: epoll_event) {
        let fd = event.data.fd
        if fd == self.wakeFD {
            var value: UInt64 = 0
            _ = read(self.wakeFD, &value, 8)
            return
        }
        let index = Int(fd)
        if index < self.selectables.count { self.selectables[index]?.handleEvents(event.events) }
    }

    private func runQueued() {
        var work: [@Sendable () -> Void] = []
        while true {
            self.queued.withLock { swap(&work, &$0) }
            if work.isEmpty { return }
            for item in work { item() }
            work.removeAll(keepingCapacity: true)
        }
    }
}
