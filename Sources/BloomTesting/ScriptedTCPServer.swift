import CLinux
import Foundation
import Glibc

/// A loopback TCP server that answers every connection with fixed bytes, whatever it was sent:
/// for responses no real HTTP server would produce (malformed, cut short).
///
/// Each connection is read until the end of a request head, answered with `reply`, and closed.
public final class ScriptedTCPServer: @unchecked Sendable {
    public let port: Int
    private let fd: Int32
    private let reply: [UInt8]
    /// Written once by `stop()`; the accept thread polls it.
    private var stopped = false
    private let lock = NSLock()

    public init(reply: String) throws {
        self.reply = Array(reply.utf8)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw LoopbackClient.ClientError.connectFailed("bind") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    public func stop() {
        self.lock.withLock { self.stopped = true }
        shutdown(self.fd, Int32(SHUT_RDWR))
        close(self.fd)
    }

    private func serve() {
        while !self.lock.withLock({ self.stopped }) {
            let client = accept(self.fd, nil, nil)
            guard client >= 0 else { return }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while received.firstRange(of: Array("\r\n\r\n".utf8)) == nil {
                let count = recv(client, &chunk, chunk.count, 0)
                if count <= 0 { break }
                received += chunk[0..<count]
            }
            _ = self.reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(client)
        }
    }
}
