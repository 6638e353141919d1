import Foundation
import Testing

@testable import BloomCore

@Suite("StreamLogSink")
struct StreamLogSinkTests {
    /// Runs `body` with a sink writing to a fresh file, then returns the file's lines.
    private func lines(format: LogFormat, _ body: (StreamLogSink) async -> Void) async throws -> [Substring] {
        let path = NSTemporaryDirectory() + "bloom-sink-" + UUID().uuidString + ".log"
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))

        await body(StreamLogSink(fileDescriptor: handle.fileDescriptor, format: format))
        try handle.close()

        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    }

    @Test("each record becomes one newline-terminated line in the chosen format")
    func oneLinePerRecord() async throws {
        let lines = try await self.lines(format: .logfmt) { sink in
            sink.write(makeRecord(message: "first"))
            sink.write(makeRecord(message: "second\nline"))
        }
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix(#"msg="first""#))
        #expect(lines[1].hasSuffix(#"msg="second\nline""#))
    }

    @Test("lines from concurrent loggers never interleave")
    func concurrentLinesStayWhole() async throws {
        let writers = 8
        let perWriter = 200
        let padding = String(repeating: "x", count: 300)
        let lines = try await self.lines(format: .json) { sink in
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        let logger = Logger(label: "writer\(writer)", sink: sink)
                        for index in 0..<perWriter {
                            logger.info("line", metadata: ["index": .integer(index), "padding": .string(padding)])
                        }
                    }
                }
            }
        }

        #expect(lines.count == writers * perWriter)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["padding"] as? String == padding)
        }
    }
}
