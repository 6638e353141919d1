/// One row of the settings table: how a ``Configuration`` field is named in each layer, documented, defaulted
/// and parsed.
///
/// The table, ``Configuration/settings``, drives everything else: the loader reads each layer by these names,
/// `.env.example` lists these variables, and `bloom help` prints these rows. Adding a setting means adding a
/// field to ``Configuration`` and one row to the table.
public struct ConfigurationSetting: Sendable {
    /// The section a setting is listed under in help text and `.env.example`.
    public enum Group: String, Sendable, CaseIterable {
        case server
        case logging
        case models
        case storage
        case limits

        /// The heading printed above the group.
        public var title: String {
            switch self {
            case .server: "Server"
            case .logging: "Logging"
            case .models: "Models"
            case .storage: "Storage"
            case .limits: "Limits and timeouts"
            }
        }
    }

    /// What a setting is when nothing sets it.
    public enum Default: Sendable, Equatable {
        /// A literal in the setting's own syntax; parsing it gives the built-in default.
        case value(String)
        /// No value: the feature is off or later code derives one; the text says which, for help output.
        case unset(String)
        /// Computed at start-up, such as the processor count; the text describes how.
        case computed(String)
    }

    /// The environment variable, also the key in `.env` and in ``Configuration/sources``.
    public let environmentName: String
    /// The snake_case key in bloom.json, or `nil` when the setting cannot be set from the file.
    public let jsonKey: String?
    /// The command-line flag without its leading dashes, or `nil` when there is none.
    public let flag: String?
    public let group: Group
    public let defaultValue: Default
    /// One line for help output and `.env.example`.
    public let help: String
    /// Whether the value may carry a password (a URL with user information). Such values are shown only
    /// through ``Redaction/redactCredentials(inURL:)``, in error messages as anywhere else.
    public let carriesCredentials: Bool
    /// Whether bloom.json may give the value as an array of strings, joined with commas before parsing.
    let acceptsList: Bool
    /// Parses `text` and stores the result in the configuration.
    let apply: @Sendable (_ text: String, _ configuration: inout Configuration) throws(InvalidSettingValue) -> Void

    /// Creates a row that parses text with `parse` and stores the result at `field`.
    init<Value>(
        _ field: any WritableKeyPath<Configuration, Value> & Sendable,
        environment: String,
        json: String?,
        flag: String?,
        group: Group,
        default defaultValue: Default,
        help: String,
        carriesCredentials: Bool = false,
        acceptsList: Bool = false,
        parse: @escaping SettingParse<Value>
    ) {
        self.environmentName = environment
        self.jsonKey = json
        self.flag = flag
        self.group = group
        self.defaultValue = defaultValue
        self.help = help
        self.carriesCredentials = carriesCredentials
        self.acceptsList = acceptsList
        self.apply = { text, configuration throws(InvalidSettingValue) in
            configuration[keyPath: field] = try parse(text)
        }
    }

    /// The flag as typed on the command line, such as `--port`.
    public var flagSpelling: String? {
        self.flag.map { "--\($0)" }
    }

    /// The default as help output shows it.
    public var defaultText: String {
        switch self.defaultValue {
        case .value(let text): text
        case .unset(let text): text
        case .computed(let text): text
        }
    }

    /// `text` as it may be shown to a person: with any URL password masked when the setting carries
    /// credentials, and replaced by ``Redaction/placeholder`` when it looks secret but is no URL.
    func displayValue(_ text: String) -> String {
        guard self.carriesCredentials else {
            return text
        }
        let masked = Redaction.redactCredentials(inURL: text)
        if masked == text && text.contains("@") {
            return Redaction.placeholder
        }
        return masked
    }
}
