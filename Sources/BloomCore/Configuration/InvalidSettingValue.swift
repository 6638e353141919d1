/// A setting's text failed to parse; carries only what was expected.
///
/// Parsers do not know which variable, file or flag the text came from, so the loader wraps this into a
/// ``ConfigurationError`` that names the key, the source and the value.
struct InvalidSettingValue: Error {
    /// What a valid value looks like, phrased to follow "expected", such as `an integer from 0 to 65535`.
    let expected: String
}

/// A setting's parser: text in, typed value out, ``InvalidSettingValue`` on anything else.
typealias SettingParse<Value> = @Sendable (String) throws(InvalidSettingValue) -> Value
