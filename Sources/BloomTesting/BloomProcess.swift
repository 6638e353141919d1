import CLinux
import Foundation
import Glibc
import Synchronization

/// The real `bloom` executable, started as a child process for end-to-end tests: signals,
/// exit codes, and what it writes to its terminal.
///
/// The binary is the one built beside the test bundle (`swift build --build-tests` puts both
/// in the same folder), or `BLOOM_BINARY` when set. Started with `posix_spawn` rather than
/// Foundation's `Process`, which crashed inside `run()` when the test process had thousands
/// of sockets open (the concurrent-streams tests run alongside).
public final class BloomProcess: Sendable {
    public let pid: Int32
    private let output = CapturedOutput()
    private let exit = Mutex<Int32?>(nil)

    /// Owned by its mutex: bytes the child wrote, appended by the reader thread.
    private final class CapturedOutput: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    public static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["BLOOM_BINARY"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        // Swift Testing may run the bundle's inner executable, one or more levels down.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("bloom").path),
            folder.path != "/"
        {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("bloom").path
    }

    /// Starts `bloom` with `arguments`; `environment` is added to a minimal one.
    public init(_ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil) throws {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw ProcessError(message: "pipe failed") }
        // Neither end may leak into other children started meanwhile.
        _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        if let workingDirectory { posix_spawn_file_actions_addchdir_np(&actions, workingDirectory) }

        var base = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        base.merge(environment) { $1 }
        let path = Self.binaryPath
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = base.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        close(pipeEnds[1])
        guard result == 0 else {
            close(pipeEnds[0])
            throw ProcessError(message: "could not start \(path): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        let reader = pipeEnds[0]
        let output = self.output
        Thread {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(reader, &chunk, chunk.count)
                if count <= 0 { break }
                output.bytes.withLock { $0.append(contentsOf: chunk[0..<count]) }
            }
            close(reader)
        }.start()
    }

    /// Everything the process wrote to stdout and stderr so far.
    public var text: String { self.output.bytes.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Waits for the `listening` log line and returns the port in it.
    public func waitForPort(timeout: Duration = .seconds(20)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = Self.port(in: self.text) { return port }
            if self.exitStatus() != nil { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProcessError(message: "bloom did not report a port; output:\n\(self.text)")
    }

    private static func port(in text: String) -> Int? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains("msg=\"listening\"") }),
            let range = line.range(of: #"address=http://[^ ]+:(\d+)"#, options: .regularExpression)
        else { return nil }
        return Int(line[range].split(separator: ":").last ?? "")
    }

    public func signal(_ number: Int32) { kill(self.pid, number) }

    /// The exit status once the process has ended (reaping it), else nil.
    private func exitStatus() -> Int32? {
        self.exit.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            guard waitpid(self.pid, &status, WNOHANG) == self.pid else { return nil }
            // WIFEXITED / WEXITSTATUS, spelled out: the C macros are not imported.
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            known = code
            return code
        }
    }

    /// Waits for exit and returns the status; kills the process if it outlives `timeout`.
    public func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = self.exitStatus() {
                // Let the reader thread collect the last output.
                try? await Task.sleep(for: .milliseconds(20))
                return status
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        self.signal(SIGKILL)
        while self.exitStatus() == nil { try? await Task.sleep(for: .milliseconds(10)) }
        return nil
    }

    public struct ProcessError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { self.message }
    }
}
