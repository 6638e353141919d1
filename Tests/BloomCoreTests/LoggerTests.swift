import Testing

@testable import BloomCore

@Suite("Logger")
struct LoggerTests {
    /// Logs one message at every level through each convenience method.
    private func logAtEveryLevel(_ logger: Logger) {
        logger.trace("trace")
        logger.debug("debug")
        logger.info("info")
        logger.notice("notice")
        logger.warning("warning")
        logger.error("error")
        logger.critical("critical")
    }

    @Test("a logger writes only records at or above its level", arguments: LogLevel.allCases)
    func levelFiltersRecords(minimum: LogLevel) {
        let sink = RecordingLogSink()
        self.logAtEveryLevel(Logger(label: "test", level: minimum, sink: sink))

        let expected = LogLevel.allCases.filter { $0 >= minimum }
        #expect(sink.records.map(\.level) == expected)
        #expect(sink.records.map(\.message) == expected.map(\.rawValue))
    }

    @Test("isEnabled agrees with the level", arguments: LogLevel.allCases)
    func isEnabledAgreesWithLevel(level: LogLevel) {
        let logger = Logger(label: "test", level: .warning, sink: RecordingLogSink())
        #expect(logger.isEnabled(level) == (level >= .warning))
    }

    @Test("a disabled level evaluates neither the message nor the metadata")
    func disabledLevelEvaluatesNothing() {
        let sink = RecordingLogSink()
        let logger = Logger(label: "test", level: .info, sink: sink)
        var messageEvaluated = false
        var metadataEvaluated = false

        logger.debug(
            {
                messageEvaluated = true
                return "expensive"
            }(),
            metadata: {
                metadataEvaluated = true
                return ["key": "value"]
            }()
        )

        #expect(!messageEvaluated)
        #expect(!metadataEvaluated)
        #expect(sink.records.isEmpty)
    }

    @Test("a child appends its label and merges metadata, the child's values winning")
    func childMergesLabelAndMetadata() throws {
        let sink = RecordingLogSink()
        var parent = Logger(label: "bloom", level: .debug, sink: sink)
        parent[metadataKey: "instance"] = "a"
        parent[metadataKey: "shared"] = "parent"

        let child = parent.child(label: "http", metadata: ["shared": "child", "port": 8000])
        child.debug("listening")

        #expect(child.label == "bloom.http")
        #expect(child.level == .debug)
        let record = try #require(sink.records.first)
        #expect(record.label == "bloom.http")
        #expect(record.metadata == ["instance": "a", "shared": "child", "port": 8000])
        #expect(parent.metadata == ["instance": "a", "shared": "parent"])
    }

    @Test("a child of an unlabelled logger takes the child's label alone")
    func childOfUnlabelledLogger() {
        let logger = Logger(label: "", sink: RecordingLogSink()).child(label: "core")
        #expect(logger.label == "core")
    }

    @Test("grandchildren chain labels with dots")
    func grandchildrenChainLabels() {
        let logger = Logger(label: "bloom", sink: RecordingLogSink()).child(label: "http").child(label: "router")
        #expect(logger.label == "bloom.http.router")
    }

    @Test("call metadata overrides logger metadata for that record only")
    func callMetadataOverridesLoggerMetadata() {
        let sink = RecordingLogSink()
        var logger = Logger(label: "test", sink: sink)
        logger.metadata = ["request.id": "r1", "model": "a"]

        logger.info("one", metadata: ["model": "b"])
        logger.info("two")

        #expect(
            sink.records.map(\.metadata) == [["request.id": "r1", "model": "b"], ["request.id": "r1", "model": "a"]])
    }

    @Test("the metadata subscript reads, sets and removes values")
    func metadataSubscript() {
        var logger = Logger(label: "test", sink: RecordingLogSink())
        logger[metadataKey: "count"] = 3
        #expect(logger[metadataKey: "count"] == .integer(3))
        logger[metadataKey: "count"] = nil
        #expect(logger[metadataKey: "count"] == nil)
    }

    @Test("records reaching the sink are already redacted")
    func recordsAreRedactedBeforeTheSink() {
        let sink = RecordingLogSink()
        var logger = Logger(label: "test", sink: sink)
        logger[metadataKey: "authorization"] = "Bearer abc"

        logger.info("connected", metadata: ["database": "postgres://bloom:hunter2@db/bloom", "api_key": "k"])

        #expect(
            sink.records.first?.metadata == [
                "authorization": "[redacted]",
                "api_key": "[redacted]",
                "database": "postgres://bloom:***@db/bloom",
            ]
        )
    }

    @Test("metadata values come from every literal form")
    func metadataLiterals() {
        let name = "qwen"
        let values: LogMetadata = ["s": "text", "i": 42, "d": 0.5, "b": true, "interpolated": "model \(name)"]
        #expect(values["s"] == .string("text"))
        #expect(values["i"] == .integer(42))
        #expect(values["d"] == .double(0.5))
        #expect(values["b"] == .bool(true))
        #expect(values["interpolated"] == .string("model qwen"))
        #expect(
            values.mapValues(\.description) == [
                "s": "text", "i": "42", "d": "0.5", "b": "true", "interpolated": "model qwen",
            ])
    }
}
