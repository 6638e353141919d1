import Foundation
import Synchronization

@testable import BloomCore

/// A sink that keeps every record it is given, for assertions.
final class RecordingLogSink: LogSink {
    private let storage = Mutex<[LogRecord]>([])

    var records: [LogRecord] {
        self.storage.withLock { $0 }
    }

    func write(_ record: LogRecord) {
        self.storage.withLock { $0.append(record) }
    }
}

/// A fresh directory under the system temporary directory, removed when `body` returns.
func withTemporaryDirectory<Result>(_ body: (String) throws -> Result) throws -> Result {
    let path = NSTemporaryDirectory() + "bloom-core-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Writes `text` as UTF-8 to `name` inside `directory`, creating intermediate directories.
func writeFile(_ text: String, named name: String, in directory: String) throws {
    let path = "\(directory)/\(name)"
    let parent = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// A record at a fixed time, 2026-12-03T14:00:00.123Z, so formatted lines can be compared whole.
func makeRecord(
    level: LogLevel = .info,
    label: String = "bloom.http",
    message: String = "listening",
    metadata: LogMetadata = [:]
) -> LogRecord {
    LogRecord(
        timestamp: Date(timeIntervalSince1970: 1_796_306_400.123),
        level: level,
        label: label,
        message: message,
        metadata: metadata
    )
}
