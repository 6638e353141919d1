/// The parsers the settings table uses, one per kind of value.
///
/// Each takes the raw text of one layer and either returns the typed value or throws
/// ``InvalidSettingValue`` saying what was expected. Surrounding whitespace is ignored everywhere, since
/// `.env` files and shell exports pick it up easily and it is never meaningful in these values.
enum SettingParser {
    /// Wraps `parse` so that empty or blank text means "not set" (`nil`), which lets a later layer clear a
    /// value an earlier one set, as `OLLAMA_MODEL=` does in a `.env` file.
    static func optional<Value>(_ parse: @escaping SettingParse<Value>) -> SettingParse<Value?> {
        { text throws(InvalidSettingValue) in
            text.trimmingWhitespace().isEmpty ? nil : try parse(text)
        }
    }

    /// On or off: `true`/`false`, `on`/`off`, `yes`/`no`, `1`/`0`, in any case.
    static func flag(_ text: String) throws(InvalidSettingValue) -> Bool {
        switch text.trimmingWhitespace().lowercased() {
        case "true", "on", "yes", "1": return true
        case "false", "off", "no", "0": return false
        default: throw InvalidSettingValue(expected: "on or off (true/false, yes/no, 1/0)")
        }
    }

    /// A comma-separated list of secret keys, trimmed, empty items skipped. It never throws: an
    /// error message would have to quote the value, and keys are never shown.
    static func keys(_ text: String) throws(InvalidSettingValue) -> [String] {
        text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    static func integer(in range: ClosedRange<Int>) -> SettingParse<Int> {
        { text throws(InvalidSettingValue) in
            guard let value = Int(text.trimmingWhitespace()), range.contains(value) else {
                throw InvalidSettingValue(expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
    }

    /// A listen address: any non-empty text without whitespace, so names, IPv4 and IPv6 all pass and the
    /// socket layer reports addresses it cannot bind.
    static func host(_ text: String) throws(InvalidSettingValue) -> String {
        let host = text.trimmingWhitespace()
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
            throw InvalidSettingValue(expected: "a host name or address without spaces, such as 127.0.0.1")
        }
        return host
    }

    /// A file-system path, kept as given; only emptiness is an error.
    static func path(_ text: String) throws(InvalidSettingValue) -> String {
        let path = text.trimmingWhitespace()
        guard !path.isEmpty else {
            throw InvalidSettingValue(expected: "a non-empty path")
        }
        return path
    }

    /// Free text such as a prompt, trimmed; only emptiness is an error.
    static func text(_ text: String) throws(InvalidSettingValue) -> String {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            throw InvalidSettingValue(expected: "some text")
        }
        return trimmed
    }

    /// An Ollama model name such as `llama3.2:3b`; Ollama's names never contain whitespace.
    static func modelName(_ text: String) throws(InvalidSettingValue) -> String {
        let name = text.trimmingWhitespace()
        guard !name.contains(where: \.isWhitespace) else {
            throw InvalidSettingValue(expected: "a model name without spaces, such as llama3.2:3b")
        }
        return name
    }

    static func logLevel(_ text: String) throws(InvalidSettingValue) -> LogLevel {
        guard let level = LogLevel(parsing: text) else {
            let names = LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
            throw InvalidSettingValue(expected: "one of \(names)")
        }
        return level
    }

    static func logFormat(_ text: String) throws(InvalidSettingValue) -> LogFormat {
        guard let format = LogFormat(parsing: text) else {
            let names = LogFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw InvalidSettingValue(expected: "one of \(names)")
        }
        return format
    }
}
