/// Which layer a configuration value came from, for diagnostics and error messages.
///
/// Layers, lowest precedence first: built-in default, bloom.json, `.env` in the working directory, the
/// process environment, command-line flags. Each later layer overrides the ones before it.
public enum ConfigurationSource: Sendable, Equatable, CustomStringConvertible {
    case `default`
    /// A bloom.json file, by its resolved path.
    case file(path: String)
    /// A `.env` file, by its resolved path.
    case dotenv(path: String)
    case environment
    case flag

    public var description: String {
        switch self {
        case .default: "default"
        case .file(let path): path
        case .dotenv(let path): path
        case .environment: "environment"
        case .flag: "command line"
        }
    }
}
