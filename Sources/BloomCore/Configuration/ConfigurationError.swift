/// Why configuration could not be loaded, with a message an operator can act on.
///
/// Every message names the setting (its environment variable and the layer it came from), the value found,
/// and what was expected. Values of settings that may carry passwords are shown only after
/// ``Redaction/redactCredentials(inURL:)``, so the message is safe to log.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        /// A value failed to parse or is out of range.
        case invalidValue
        /// bloom.json has a key no setting or section uses.
        case unknownKey
        /// The command line passed a flag no setting has.
        case unknownFlag
        /// A configuration file named explicitly does not exist.
        case missingFile
        /// A configuration file exists but cannot be read.
        case unreadableFile
        /// A configuration file is not valid JSON or `.env` syntax.
        case malformedFile
    }

    public let code: Code
    /// The environment variable, bloom.json key or flag the error is about, when there is one.
    public let key: String?
    /// The layer the bad value or file came from, when known.
    public let source: ConfigurationSource?
    public let description: String

    /// `invalid BLOOM_PORT "abc" (from environment): expected an integer from 0 to 65535`.
    static func invalidValue(
        _ setting: ConfigurationSetting,
        text: String,
        source: ConfigurationSource,
        expected: String
    ) -> ConfigurationError {
        let origin = Self.origin(of: setting, in: source)
        let value = setting.displayValue(text).debugDescription
        return ConfigurationError(
            code: .invalidValue,
            key: setting.environmentName,
            source: source,
            description: "invalid \(setting.environmentName) \(value) (from \(origin)): expected \(expected)"
        )
    }

    /// `unknown key "prot" in /srv/bloom.json (did you mean "port"?); …`.
    static func unknownKey(_ key: String, path: String, knownKeys: [String]) -> ConfigurationError {
        let hint = Self.suggestion(for: key, among: knownKeys, quoted: true)
        return ConfigurationError(
            code: .unknownKey,
            key: key,
            source: .file(path: path),
            description: "unknown key \(key.debugDescription) in \(path)\(hint); remove it or fix its spelling"
        )
    }

    /// `unknown flag --prot (did you mean --port?); …`.
    static func unknownFlag(_ flag: String, knownFlags: [String]) -> ConfigurationError {
        let hint = Self.suggestion(for: flag, among: knownFlags, quoted: false, prefix: "--")
        return ConfigurationError(
            code: .unknownFlag,
            key: flag,
            source: .flag,
            description: "unknown flag --\(flag)\(hint); run `bloom help` for the flags there are"
        )
    }

    /// `configuration file /srv/bloom.json (BLOOM_CONFIG from environment) does not exist; …`.
    static func missingFile(
        _ path: String,
        setting: ConfigurationSetting,
        source: ConfigurationSource
    ) -> ConfigurationError {
        ConfigurationError(
            code: .missingFile,
            key: setting.environmentName,
            source: source,
            description: "configuration file \(path) (\(setting.environmentName) from "
                + "\(Self.origin(of: setting, in: source))) does not exist; fix the path or stop setting it"
        )
    }

    static func unreadableFile(_ path: String, source: ConfigurationSource, reason: String) -> ConfigurationError {
        ConfigurationError(
            code: .unreadableFile,
            key: nil,
            source: source,
            description: "cannot read configuration file \(path): \(reason)"
        )
    }

    /// A syntax error; `line` is 1-based when the format has lines worth pointing at.
    static func malformedFile(
        _ path: String,
        line: Int? = nil,
        source: ConfigurationSource,
        problem: String,
        expected: String
    ) -> ConfigurationError {
        let location = line.map { "line \($0) of \(path)" } ?? path
        return ConfigurationError(
            code: .malformedFile,
            key: nil,
            source: source,
            description: "malformed \(location): \(problem); expected \(expected)"
        )
    }

    /// How an error message names the layer a setting came from, such as `flag --port` or
    /// `"port" in /srv/bloom.json`; the environment variable itself is named separately.
    static func origin(of setting: ConfigurationSetting, in source: ConfigurationSource) -> String {
        switch source {
        case .default: "default"
        case .file(let path): "\((setting.jsonKey ?? setting.environmentName).debugDescription) in \(path)"
        case .dotenv(let path): path
        case .environment: "environment"
        case .flag: "flag \(setting.flagSpelling ?? setting.environmentName)"
        }
    }
}
