import Testing

@testable import BloomCore

@Suite("LogLevel and LogFormat")
struct LogLevelTests {
    @Test("levels order from trace to critical in declaration order")
    func levelsAreOrdered() {
        #expect(LogLevel.allCases.sorted() == LogLevel.allCases)
        #expect(LogLevel.trace < LogLevel.debug)
        #expect(LogLevel.error < LogLevel.critical)
    }

    @Test(
        "level names parse in any case, with whitespace, and warn means warning",
        arguments: [
            ("trace", LogLevel.trace), ("DEBUG", .debug), (" info ", .info), ("Notice", .notice),
            ("warning", .warning), ("warn", .warning), ("WARN", .warning), ("error", .error),
            ("critical", .critical),
        ]
    )
    func levelNamesParse(text: String, level: LogLevel) {
        #expect(LogLevel(parsing: text) == level)
    }

    @Test("unknown level names do not parse", arguments: ["", "verbose", "fatal", "warnings", "in fo"])
    func unknownLevelNamesAreRejected(text: String) {
        #expect(LogLevel(parsing: text) == nil)
    }

    @Test(
        "format names parse in any case",
        arguments: [("logfmt", LogFormat.logfmt), ("JSON", .json), (" json\n", .json)]
    )
    func formatNamesParse(text: String, format: LogFormat) {
        #expect(LogFormat(parsing: text) == format)
    }

    @Test("unknown format names do not parse", arguments: ["", "text", "jsonl"])
    func unknownFormatNamesAreRejected(text: String) {
        #expect(LogFormat(parsing: text) == nil)
    }
}
