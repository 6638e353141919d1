import CLinux
import Glibc

/// A failed system call while setting up or using a socket.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let code: Int32
    public let detail: String

    static func system(_ call: String, _ code: Int32, detail: String = "") -> SocketError {
        SocketError(call: call, code: code, detail: detail)
    }

    public var description: String {
        let reason = String(cString: strerror(self.code))
        return self.detail.isEmpty ? "\(self.call) failed: \(reason)" : "\(self.call) \(self.detail) failed: \(reason)"
    }
}

/// Small wrappers over the BSD socket calls the server needs.
enum Socket {
    /// A non-blocking listening socket on `host:port` with `SO_REUSEPORT`, so that each event
    /// loop can own one and the kernel spreads new connections across them.
    static func listen(host: String, port: Int, backlog: Int32 = 4096) throws -> Int32 {
        var address = try Self.resolve(host: host, port: port)
        let family = Int32(address.ss_family)
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError.system("socket", errno) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, socklen_t(MemoryLayout<Int32>.size))
        let length = family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw SocketError.system("bind", code, detail: "to \(host):\(port)")
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw SocketError.system("listen", code)
        }
        return fd
    }

    /// Fails with a clear error when another process listens on `host:port`.
    ///
    /// `SO_REUSEPORT` would otherwise let a second server join the first one's port and
    /// silently share its traffic; a probe bound without it fails exactly in that case.
    static func ensureAvailable(host: String, port: Int) throws {
        guard port != 0 else { return }
        var address = try Self.resolve(host: host, port: port)
        let family = Int32(address.ss_family)
        let fd = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError.system("socket", errno) }
        defer { close(fd) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        let length = family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
        }
        if bound != 0 {
            let code = errno
            let hint = code == EADDRINUSE ? " (another process is listening there; stop it or choose another port)" : ""
            throw SocketError.system("bind", code, detail: "to \(host):\(port)\(hint)")
        }
    }

    /// The numeric address for `host`, which must be an IP literal or `localhost`.
    static func resolve(host: String, port: Int) throws -> sockaddr_storage {
        var storage = sockaddr_storage()
        let name = host == "localhost" ? "127.0.0.1" : host.trimmingBrackets
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    $0.pointee.sin_family = sa_family_t(AF_INET)
                    $0.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                    $0.pointee.sin_addr = v4
                }
            }
        } else if inet_pton(AF_INET6, name, &v6) == 1 {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    $0.pointee.sin6_family = sa_family_t(AF_INET6)
                    $0.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                    $0.pointee.sin6_addr = v6
                }
            }
        } else {
            throw SocketError.system("resolve", EINVAL, detail: "of \"\(host)\" (expected an IP address or localhost)")
        }
        return storage
    }

    /// The local port a socket is bound to.
    static func localPort(of fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Self.describe(storage).port
    }

    /// `ip` and `port` of a socket address.
    static func describe(_ storage: sockaddr_storage) -> (ip: String, port: Int) {
        var copy = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        return withUnsafePointer(to: &copy) { pointer -> (String, Int) in
            if Int32(storage.ss_family) == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                    return (Self.string(text), Int(UInt16(bigEndian: address.pointee.sin6_port)))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                var raw = address.pointee.sin_addr
                inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                return (Self.string(text), Int(UInt16(bigEndian: address.pointee.sin_port)))
            }
        }
    }

    private static func string(_ chars: [CChar]) -> String {
        let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate var trimmingBrackets: String {
        self.hasPrefix("[") && self.hasSuffix("]") ? String(self.dropFirst().dropLast()) : self
    }
}
