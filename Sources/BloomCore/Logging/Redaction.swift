/// The one place that decides which logged or displayed values are secrets.
///
/// Two rules, applied by ``Logger`` to every record and reusable by anything that shows configuration or
/// request data (error messages, an `/info` endpoint):
/// - a metadata key that names a secret has its whole value replaced by ``placeholder``;
/// - a URL carrying a password (`scheme://user:password@host`) keeps everything but the password, which
///   becomes ``passwordMask``, so `DATABASE_URL` and `REDIS_URL` stay useful in diagnostics.
public enum Redaction {
    /// What a secret-keyed value is replaced with.
    public static let placeholder = "[redacted]"
    /// What the password part of a URL is replaced with.
    public static let passwordMask = "***"

    /// Fragments that mark a key as secret, compared after lowercasing and dropping `-`, `_`, `.` and spaces,
    /// so `api_key`, `X-Api-Key` and `apiKey` all match `apikey`, and `set-cookie` matches `cookie`.
    private static let secretFragments = [
        "authorization", "password", "passwd", "secret", "token", "apikey", "cookie", "session", "dsn",
    ]

    /// Words removed before matching because they contain `token` but name counts or tools, not credentials:
    /// generation summaries log `tokens.prompt` and `tokenizer`, and hiding those would hide real data.
    private static let harmlessWords = ["tokenizer", "tokens"]

    /// Whether a metadata key names a secret: after lowercasing, dropping separators and removing the harmless
    /// words, it contains authorization, password, passwd, secret, token, apikey, cookie, session or dsn.
    public static func isSecret(key: String) -> Bool {
        var normalized = String(key.lowercased().filter { !"-_. ".contains($0) })
        for word in self.harmlessWords {
            normalized = normalized.replacing(word, with: "")
        }
        return self.secretFragments.contains { normalized.contains($0) }
    }

    /// The value to show for `key`: the placeholder for secret keys, URL passwords masked in strings, and
    /// everything else unchanged.
    public static func redact(key: String, value: LogValue) -> LogValue {
        if self.isSecret(key: key) {
            return .string(self.placeholder)
        }
        if case .string(let text) = value, text.contains("://") {
            return .string(self.redactCredentials(inURL: text))
        }
        return value
    }

    /// Applies ``redact(key:value:)`` to every pair.
    public static func redact(_ metadata: LogMetadata) -> LogMetadata {
        var redacted = metadata
        for (key, value) in metadata {
            let safe = self.redact(key: key, value: value)
            if safe != value {
                redacted[key] = safe
            }
        }
        return redacted
    }

    /// Replaces the password of every `scheme://user:password@host` URL in `text` with ``passwordMask``.
    ///
    /// The authority ends at the first `/`, `?`, `#`, whitespace or quote after `://` (RFC 3986 §3.2), and the
    /// last `@` inside it ends the user information, so an unescaped `@` in a password is still hidden. A URL
    /// with a user name but no password is left as it is. Text without `://` is returned unchanged.
    public static func redactCredentials(inURL text: String) -> String {
        var result = ""
        var rest = text[...]
        while let separator = rest.firstRange(of: "://") {
            let authorityStart = separator.upperBound
            let authorityEnd = rest[authorityStart...].firstIndex { "/?#\"' \t\r\n".contains($0) } ?? rest.endIndex
            let authority = rest[authorityStart..<authorityEnd]
            result += rest[..<authorityStart]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result += authority[...colon]
                result += self.passwordMask
                result += authority[at...]
            } else {
                result += authority
            }
            rest = rest[authorityEnd...]
        }
        result += rest
        return result
    }
}
