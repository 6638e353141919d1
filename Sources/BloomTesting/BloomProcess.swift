import CLinux
public import Foundation
import Glibc
import Synchronization

/// The real `bloom` executable, started as a child process for end-to-end tests: signals,
/// exit codes, and what it writes to its terminal.
///
/// The binary is the one built beside the test bundle (`swift build --build-tests` puts both
/// in the same folder), or `BLOOM_BINARY` when set.
public final class BloomProcess: Sendable {
    public let process: Process
    private let output = CapturedOutput()

    /// Owned by its mutex: bytes the child wrote, appended by the pipe's reader thread.
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = arguments
        var base = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        base.merge(environment) { $1 }
        process.environment = base
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        self.process = process
        pipe.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            output.bytes.withLock { $0.append(contentsOf: data) }
        }
        // Foundation's Process.run is not safe to call from two threads at once on Linux
        // (seen crashing in memcpy inside it when process tests ran in parallel).
        try Self.launchLock.withLock { _ in try process.run() }
    }

    private static let launchLock = Mutex(())

    /// Everything the process wrote to stdout and stderr so far.
    public var text: String { self.output.bytes.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Waits for the `listening` log line and returns the port in it.
    public func waitForPort(timeout: Duration = .seconds(20)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = Self.port(in: self.text) { return port }
            if !self.process.isRunning { break }
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

    public func signal(_ number: Int32) { kill(self.process.processIdentifier, number) }

    /// Waits for exit and returns the status; kills the process if it outlives `timeout`.
    public func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while self.process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if self.process.isRunning {
            self.signal(SIGKILL)
            self.process.waitUntilExit()
            return nil
        }
        return self.process.terminationStatus
    }

    public struct ProcessError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { self.message }
    }
}
