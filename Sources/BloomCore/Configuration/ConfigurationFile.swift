import Foundation

/// A parsed bloom.json: setting values as text, ready for the table's parsers, and pass-through sections.
///
/// The file is one JSON object whose keys are the table's snake_case `jsonKey`s. Values may be strings,
/// numbers or booleans (turned into the same text an environment variable would hold, so one parser serves
/// every layer); `null` leaves the setting unset; arrays of strings are allowed where a setting takes a list.
/// Any other key is an error, except the sections later features own, which pass through unvalidated.
struct ConfigurationFile {
    /// Top-level sections kept as raw JSON in ``Configuration/extraSections``.
    static let passThroughSections: Set<String> = ["models", "tasks", "agency"]

    let path: String
    /// Setting text keyed by environment variable name.
    let values: [String: String]
    let extraSections: [String: Data]

    init(contents: Data, path: String) throws(ConfigurationError) {
        let source = ConfigurationSource.file(path: path)
        let object = try Self.object(in: contents, path: path)

        let settingsByKey = Dictionary(
            Configuration.settings.compactMap { setting in setting.jsonKey.map { ($0, setting) } },
            uniquingKeysWith: { first, _ in first }
        )
        var values: [String: String] = [:]
        var extraSections: [String: Data] = [:]
        for key in object.keys.sorted() {
            let value = object[key] ?? .null
            if Self.passThroughSections.contains(key) {
                extraSections[key] = value.encoded()
                continue
            }
            guard let setting = settingsByKey[key] else {
                let known = Array(settingsByKey.keys) + Self.passThroughSections
                throw .unknownKey(key, path: path, knownKeys: known)
            }
            if let text = try Self.text(of: value, for: setting, source: source) {
                values[setting.environmentName] = text
            }
        }
        self.path = path
        self.values = values
        self.extraSections = extraSections
    }

    /// The top-level object of `contents`, or an error saying why there is none.
    private static func object(in contents: Data, path: String) throws(ConfigurationError) -> [String: JSONValue] {
        let source = ConfigurationSource.file(path: path)
        let expected = "a JSON object of settings such as {\"port\": 8000}"
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: contents)
        } catch {
            throw .malformedFile(path, source: source, problem: Self.syntaxProblem(in: contents), expected: expected)
        }
        guard case .object(let members) = value else {
            throw .malformedFile(path, source: source, problem: "the top level is not an object", expected: expected)
        }
        return members
    }

    /// The text a JSON value stands for, `nil` for `null`, or an error for a shape the setting cannot take.
    private static func text(
        of value: JSONValue,
        for setting: ConfigurationSetting,
        source: ConfigurationSource
    ) throws(ConfigurationError) -> String? {
        switch value {
        case .null:
            return nil
        case .bool(let flag):
            return flag ? "true" : "false"
        case .integer(let number):
            return String(number)
        case .double(let number):
            return String(number)
        case .string(let text):
            return text
        case .array(let items) where setting.acceptsList:
            let strings = items.compactMap { item -> String? in
                if case .string(let text) = item { text } else { nil }
            }
            guard strings.count == items.count else {
                let json = String(decoding: value.encoded(), as: UTF8.self)
                throw .invalidValue(setting, text: json, source: source, expected: "an array of strings")
            }
            return strings.joined(separator: ",")
        case .array, .object:
            let json = String(decoding: value.encoded(), as: UTF8.self)
            let shapes = setting.acceptsList ? "a string or an array of strings" : "a string or a number"
            throw .invalidValue(setting, text: json, source: source, expected: shapes)
        }
    }

    /// Why `contents` is not JSON, with a line and column where the parser says where.
    ///
    /// `JSONDecoder` reports only "not valid JSON", so the text is parsed again with `JSONSerialization`,
    /// whose message gives a byte offset ("around character 15"), turned here into a line and column.
    private static func syntaxProblem(in contents: Data) -> String {
        let detail: String
        do {
            _ = try JSONSerialization.jsonObject(with: contents, options: [.fragmentsAllowed])
            return "it is not valid JSON"
        } catch {
            // The key `NSDebugDescriptionKey` names; swift-corelibs-foundation does not export the constant.
            detail = (error as NSError).userInfo["NSDebugDescription"] as? String ?? "it is not valid JSON"
        }
        guard let match = detail.firstMatch(of: /character (\d+)/), let offset = Int(match.1) else {
            return "it is not valid JSON (\(detail))"
        }
        let before = contents.prefix(offset)
        let line = before.count { $0 == UInt8(ascii: "\n") } + 1
        let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
        return "it is not valid JSON (\(detail.replacing(match.0, with: "line \(line), column \(column)")))"
    }
}
