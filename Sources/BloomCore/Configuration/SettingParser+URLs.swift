import Foundation

/// Origins and service URLs.
extension SettingParser {
    /// Ollama's default port, used when `OLLAMA_HOST` names a host without one, as Ollama's own client does.
    static let ollamaDefaultPort = 11_434

    /// A comma-separated list of CORS origins, each `*` or `http(s)://host[:port]`.
    ///
    /// An origin is a scheme, host and port with nothing after (RFC 6454 §6.1), which is what browsers send in
    /// `Origin`; a path or trailing slash could never match one, so it is an error rather than a silent miss.
    /// Scheme and host are lowercased, as browsers send them. Empty items (`a,,b`) are skipped.
    static func origins(_ text: String) throws(InvalidSettingValue) -> [String] {
        var origins: [String] = []
        for item in text.split(separator: ",") {
            let candidate = item.trimmingWhitespace()
            if candidate.isEmpty {
                continue
            }
            guard let origin = self.origin(candidate) else {
                throw InvalidSettingValue(
                    expected: "\"*\" or origins like https://example.com or http://localhost:3000 (scheme, host and "
                        + "optional port, no path or trailing slash), but \(candidate.debugDescription) is not one"
                )
            }
            origins.append(origin)
        }
        return origins
    }

    /// `candidate` normalised when it is `*` or a valid origin, else `nil`.
    private static func origin(_ candidate: String) -> String? {
        if candidate == "*" {
            return candidate
        }
        let lowered = candidate.lowercased()
        guard let scheme = ["http://", "https://"].first(where: lowered.hasPrefix) else {
            return nil
        }
        let authority = lowered.dropFirst(scheme.count)
        let hostAndPort: (host: Substring, port: Substring?)
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let afterHost = authority[authority.index(after: close)...]
            guard afterHost.isEmpty || afterHost.hasPrefix(":") else {
                return nil
            }
            hostAndPort = (authority[...close], afterHost.isEmpty ? nil : afterHost.dropFirst())
        } else {
            let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            hostAndPort = (parts[0], parts.count > 1 ? parts[1] : nil)
        }
        guard self.isOriginHost(hostAndPort.host) else {
            return nil
        }
        if let port = hostAndPort.port {
            guard port.count <= 5, port.allSatisfy(\.isASCIIDigit), let number = Int(port), (1...65_535) ~= number
            else {
                return nil
            }
        }
        return String(lowered)
    }

    /// A registered name of letters, digits, `-` and `.`, or a bracketed IPv6 literal.
    private static func isOriginHost(_ host: Substring) -> Bool {
        if host.hasPrefix("[") {
            return host.count > 2 && host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return !host.isEmpty && host.allSatisfy { ($0.isASCII && $0.isLetter) || $0.isASCIIDigit || "-.".contains($0) }
    }

    /// The Ollama server, as an `http(s)://host:port` URL without a trailing slash.
    ///
    /// Accepts what Ollama's own `OLLAMA_HOST` accepts: a full `http://` or `https://` URL, or a bare
    /// `host:port` (`http://` is prepended) or bare `host` (`http://` and port 11434 are added).
    static func ollamaHost(_ text: String) throws(InvalidSettingValue) -> String {
        let trimmed = text.trimmingWhitespace()
        let isBare = !trimmed.contains("://")
        let expected = "an http:// or https:// URL, or a bare host:port such as localhost:11434"
        guard var components = URLComponents(string: isBare ? "http://\(trimmed)" : trimmed),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else {
            throw InvalidSettingValue(expected: expected)
        }
        components.scheme = scheme
        if isBare && components.port == nil {
            components.port = self.ollamaDefaultPort
        }
        guard var url = components.string else {
            throw InvalidSettingValue(expected: expected)
        }
        while url.hasSuffix("/") {
            url.removeLast()
        }
        return url
    }

    /// `sqlite:<path>`, `postgres://…` or `postgresql://…`; kept as given because drivers parse their own URLs.
    static func databaseURL(_ text: String) throws(InvalidSettingValue) -> String {
        try self.url(text, schemes: ["sqlite:", "postgres://", "postgresql://"])
    }

    /// `redis://…` or `rediss://…` (TLS), kept as given.
    static func redisURL(_ text: String) throws(InvalidSettingValue) -> String {
        try self.url(text, schemes: ["redis://", "rediss://"])
    }

    /// `text` trimmed when it starts with one of `schemes` (any letter case) and has something after it.
    private static func url(_ text: String, schemes: [String]) throws(InvalidSettingValue) -> String {
        let url = text.trimmingWhitespace()
        let lowered = url.lowercased()
        guard let scheme = schemes.first(where: lowered.hasPrefix), url.count > scheme.count else {
            let list = schemes.dropLast().joined(separator: ", ") + " or " + schemes[schemes.count - 1]
            throw InvalidSettingValue(expected: "a URL starting with \(list)")
        }
        return url
    }
}
