import CLinux
import Glibc

/// The listening socket of one event loop; accepts connections onto that loop.
///
/// Confined to its loop; the server keeps a reference only to close it there.
final class Listener: EventLoop.Selectable, @unchecked Sendable {
    private let fd: Int32
    private let loop: EventLoop
    private let server: HTTPServer
    private var closed = false

    init(fd: Int32, loop: EventLoop, server: HTTPServer) {
        self.fd = fd
        self.loop = loop
        self.server = server
        loop.register(fd, self, events: EPOLLIN.rawValue)
    }

    func handleEvents(_ events: UInt32) {
        while !self.closed {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(self.fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
                }
            }
            guard client >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE {
                    self.server.logger.warning(
                        "accept failed: out of file descriptors", metadata: ["errno": "\(errno)"])
                }
                return
            }
            guard self.server.admitConnection() else {
                Glibc.close(client)
                continue
            }
            var on: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            let peer = Socket.describe(storage)
            let address = peer.ip.contains(":") ? "[\(peer.ip)]:\(peer.port)" : "\(peer.ip):\(peer.port)"
            HTTPConnection.open(fd: client, remoteAddress: address, loop: self.loop, server: self.server)
        }
    }

    /// Stops accepting; connections already accepted carry on.
    func close() {
        guard !self.closed else { return }
        self.closed = true
        self.loop.deregister(self.fd)
        Glibc.close(self.fd)
    }
}
