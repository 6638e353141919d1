import Foundation

/// Builds a ``Configuration`` from its five layers, given every input explicitly so tests need no process
/// state.
///
/// Precedence, lowest first: built-in defaults, bloom.json, `.env` in the working directory, the
/// environment, command-line flags. Every layer is validated in full, even where a higher layer overrides a
/// value, so a broken `.env` is reported the day it breaks rather than the day its override is removed.
///
/// The bloom.json path comes from the `config` flag, else `BLOOM_CONFIG` in the environment, else in `.env`.
/// A path given but missing is an error; no path means no file. `.env` is read only from the working
/// directory and only if it exists; keys in it that no setting uses are ignored, since the same file often
/// serves Docker Compose.
public struct ConfigurationLoader: Sendable {
    /// Environment variables, usually `ProcessInfo.processInfo.environment`.
    public var environment: [String: String]
    /// Flag name without dashes to raw value, as the command-line parser produced them.
    public var flags: [String: String]
    /// The directory `.env` is read from and relative bloom.json paths resolve against.
    public var workingDirectory: String

    public init(environment: [String: String], flags: [String: String] = [:], workingDirectory: String) {
        self.environment = environment
        self.flags = flags
        self.workingDirectory = workingDirectory
    }

    /// A loader for this process: its environment and current directory, with the given flags.
    public static func forCurrentProcess(flags: [String: String] = [:]) -> ConfigurationLoader {
        ConfigurationLoader(
            environment: ProcessInfo.processInfo.environment,
            flags: flags,
            workingDirectory: FileManager.default.currentDirectoryPath
        )
    }

    /// Reads, validates and merges every layer.
    ///
    /// - Throws: ``ConfigurationError`` for the first problem found, lowest layer first and in table order
    ///   within a layer.
    public func load() throws(ConfigurationError) -> Configuration {
        let dotEnvPath = self.resolve(".env")
        let dotEnv = try self.readText(at: dotEnvPath, source: .dotenv(path: dotEnvPath))
            .map { text throws(ConfigurationError) in try DotEnvFile.parse(text, path: dotEnvPath) }

        let file = try self.configurationFile(dotEnv: dotEnv)
        var layers: [(source: ConfigurationSource, values: [String: String])] = []
        if let file {
            layers.append((.file(path: file.path), file.values))
        }
        if let dotEnv {
            layers.append((.dotenv(path: dotEnvPath), dotEnv))
        }
        layers.append((.environment, self.environment))
        layers.append((.flag, try self.flagValues()))

        var configuration = Configuration()
        for layer in layers {
            try Self.apply(layer.values, from: layer.source, to: &configuration)
        }
        configuration.configFile = file?.path
        configuration.extraSections = file?.extraSections ?? [:]
        return configuration
    }

    /// Parses every table setting present in `values` and records `source` for it.
    private static func apply(
        _ values: [String: String],
        from source: ConfigurationSource,
        to configuration: inout Configuration
    ) throws(ConfigurationError) {
        for setting in Configuration.settings {
            guard let text = values[setting.environmentName] else {
                continue
            }
            do throws(InvalidSettingValue) {
                try setting.apply(text, &configuration)
            } catch {
                throw .invalidValue(setting, text: text, source: source, expected: error.expected)
            }
            configuration.sources[setting.environmentName] = source
        }
    }

    /// The flags keyed by environment variable name, or an error for a flag no setting has.
    private func flagValues() throws(ConfigurationError) -> [String: String] {
        let settingsByFlag = Dictionary(
            Configuration.settings.compactMap { setting in setting.flag.map { ($0, setting) } },
            uniquingKeysWith: { first, _ in first }
        )
        var values: [String: String] = [:]
        for (flag, text) in self.flags.sorted(by: { $0.key < $1.key }) {
            guard let setting = settingsByFlag[flag] else {
                throw .unknownFlag(flag, knownFlags: Array(settingsByFlag.keys))
            }
            values[setting.environmentName] = text
        }
        return values
    }
}
