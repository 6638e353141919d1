import CLinux
import Foundation
import Glibc

/// A deliberately dumb HTTP/1.1 client over a real loopback socket, for tests that need to
/// send exact bytes (malformed, pipelined, slow) and observe exact answers and timings.
///
/// Reads are async and never block a thread: the server under test runs its handlers on the
/// same cooperative thread pool (two threads on a two-core machine), so a test blocked in
/// `poll` would starve the very server it waits for.
public final class LoopbackClient {
    public let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `127.0.0.1:port`; throws when the connection is refused.
    public init(port: Int, host: String = "127.0.0.1") throws {
        // The socket is stored only once connected: a class whose initialiser throws after
        // setting every property runs its deinit, which would close the descriptor a second
        // time, by then perhaps another test's socket.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError.connectFailed(String(cString: strerror(errno))) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw ClientError.connectFailed(String(cString: strerror(code)))
        }
        self.fd = fd
    }

    deinit { Glibc.close(self.fd) }

    public enum ClientError: Error, CustomStringConvertible {
        case connectFailed(String)
        case timedOut(String)
        case closed(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .connectFailed(let why): "connect failed: \(why)"
            case .timedOut(let what): "timed out waiting for \(what)"
            case .closed(let what): "connection closed while waiting for \(what)"
            case .malformed(let what): "malformed response: \(what)"
            }
        }
    }

    // MARK: - Sending

    public func send(_ text: String) throws { try self.send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(self.fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw ClientError.closed("send") }
            offset += sent
        }
    }

    /// Sends a request with the usual framing.
    public func request(
        _ method: String,
        _ target: String,
        headers: [(String, String)] = [],
        body: String? = nil
    ) throws {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + (body ?? "")
        try self.send(text)
    }

    /// Closes the sending side only.
    public func shutdownWrite() { shutdown(self.fd, Int32(SHUT_WR)) }

    /// Closes the whole socket with a reset, like a client that crashed.
    public func abort() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        shutdown(self.fd, Int32(SHUT_RDWR))
    }

    // MARK: - Receiving

    /// Reads more bytes into the buffer; false on orderly close.
    @discardableResult
    private func fill(timeout: Duration, what: String) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        var poller = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, 0) <= 0 {
            guard ContinuousClock.now < deadline else { throw ClientError.timedOut(what) }
            try await Task.sleep(for: .milliseconds(1))
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(self.fd, &chunk, chunk.count, 0)
        if count <= 0 { return false }
        self.buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    /// Reads one complete response (Content-Length, chunked or close-delimited body).
    public func readResponse(timeout: Duration = .seconds(5), headRequest: Bool = false) async throws
        -> LoopbackResponse
    {
        let head = try await self.readHead(timeout: timeout)
        var response = head
        if headRequest || head.status == 204 || head.status == 304 || (100..<200).contains(head.status) {
            return response
        }
        if let length = head.headers["content-length"].flatMap(Int.init) {
            while self.buffer.count < length {
                guard try await self.fill(timeout: timeout, what: "body") else { throw ClientError.closed("body") }
            }
            response.body = Array(self.buffer[0..<length])
            self.buffer.removeFirst(length)
        } else if head.headers["transfer-encoding"]?.lowercased() == "chunked" {
            while let chunk = try await self.readChunk(timeout: timeout) { response.body += chunk }
        } else {
            while try await self.fill(timeout: timeout, what: "close-delimited body") {}
            response.body = self.buffer
            self.buffer = []
        }
        return response
    }

    /// Reads `count` complete responses in order.
    public func readResponses(_ count: Int, timeout: Duration = .seconds(5)) async throws -> [LoopbackResponse] {
        var responses: [LoopbackResponse] = []
        for _ in 0..<count { responses.append(try await self.readResponse(timeout: timeout)) }
        return responses
    }

    /// Reads a status line and header fields.
    public func readHead(timeout: Duration = .seconds(5)) async throws -> LoopbackResponse {
        let terminator: [UInt8] = [13, 10, 13, 10]
        while true {
            if let end = self.buffer.firstRange(of: terminator) {
                let text = String(decoding: self.buffer[0..<end.lowerBound], as: UTF8.self)
                self.buffer.removeFirst(end.upperBound)
                return try LoopbackResponse(head: text)
            }
            guard try await self.fill(timeout: timeout, what: "response head") else {
                throw ClientError.closed("response head")
            }
        }
    }

    /// The next chunk of a chunked body, or nil after the last chunk.
    public func readChunk(timeout: Duration = .seconds(5)) async throws -> [UInt8]? {
        let crlf: [UInt8] = [13, 10]
        while self.buffer.firstRange(of: crlf) == nil {
            guard try await self.fill(timeout: timeout, what: "chunk size") else {
                throw ClientError.closed("chunk size")
            }
        }
        let line = self.buffer.firstRange(of: crlf)!
        let sizeText = String(decoding: self.buffer[0..<line.lowerBound], as: UTF8.self)
        guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else {
            throw ClientError.malformed("chunk size \(sizeText)")
        }
        self.buffer.removeFirst(line.upperBound)
        while self.buffer.count < size + 2 {
            guard try await self.fill(timeout: timeout, what: "chunk data") else {
                throw ClientError.closed("chunk data")
            }
        }
        let data = Array(self.buffer[0..<size])
        self.buffer.removeFirst(size + 2)
        return size == 0 ? nil : data
    }

    /// True when the server closes the connection within `timeout` (pending bytes are discarded).
    public func waitForClose(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            do {
                if try await !self.fill(timeout: deadline - ContinuousClock.now, what: "close") { return true }
            } catch {
                return false
            }
        }
        return false
    }
}

/// A response as the test client saw it.
public struct LoopbackResponse {
    public var status: Int
    /// Field names lowercased; a repeated field keeps its last value.
    public var headers: [String: String]
    public var body: [UInt8] = []

    init(head: String) throws {
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let code = Int(statusParts[1]) else {
            throw LoopbackClient.ClientError.malformed("status line \(lines[0])")
        }
        self.status = code
        self.headers = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            self.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }

    public var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body parsed as a JSON object.
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any] ?? [:]
    }

    /// `error.code` of a JSON error body.
    public var errorCode: String? { (self.json["error"] as? [String: Any])?["code"] as? String }
}
