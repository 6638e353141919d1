/// Parses `.env` files: the `KEY=VALUE` lines Docker Compose, direnv and most dotenv libraries read.
///
/// The dialect, line by line:
/// - blank lines and lines starting with `#` are skipped; `export ` before the key is allowed and ignored;
/// - keys are `[A-Za-z_][A-Za-z0-9_]*`, with optional spaces around `=`;
/// - an unquoted value runs to the end of the line or to the first ` #` (a `#` after whitespace starts a
///   comment) and is trimmed, so `COLOR=#fff` keeps its `#`;
/// - a single-quoted value is literal; a double-quoted value understands `\n`, `\r`, `\t`, `\"` and `\\`,
///   and keeps any other backslash as it is; after the closing quote only a comment may follow;
/// - a later line for the same key wins. Values never span lines.
///
/// Errors name the file and the 1-based line but never repeat the line, which may hold a password.
enum DotEnvFile {
    /// A problem on one line, before the file and line number are known.
    struct LineError: Error {
        let problem: String
    }

    static let expectedSyntax = "KEY=VALUE, optionally prefixed by \"export \", with '…' or \"…\" quoting"

    /// Every assignment in `text`, by key.
    static func parse(_ text: String, path: String) throws(ConfigurationError) -> [String: String] {
        var values: [String: String] = [:]
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, line) in lines.enumerated() {
            do throws(LineError) {
                if let (key, value) = try self.assignment(in: line) {
                    values[key] = value
                }
            } catch {
                throw .malformedFile(
                    path,
                    line: index + 1,
                    source: .dotenv(path: path),
                    problem: error.problem,
                    expected: self.expectedSyntax
                )
            }
        }
        return values
    }

    /// The key and value on `line`, or `nil` for a blank or comment line.
    static func assignment(in line: Substring) throws(LineError) -> (key: String, value: String)? {
        var rest = line.drop(while: \.isWhitespace)
        if rest.isEmpty || rest.hasPrefix("#") {
            return nil
        }
        if rest.hasPrefix("export"), let separator = rest.dropFirst(6).first, separator.isWhitespace {
            rest = rest.dropFirst(6).drop(while: \.isWhitespace)
        }

        let key = rest.prefix { $0.isASCII && ($0.isLetter || $0.isWholeNumber || $0 == "_") }
        guard let first = key.first, !first.isWholeNumber else {
            throw LineError(problem: "a key must start with a letter or underscore")
        }
        rest = rest.dropFirst(key.count).drop(while: \.isWhitespace)
        guard rest.hasPrefix("=") else {
            throw LineError(problem: "\(key) is not followed by \"=\"")
        }
        rest = rest.dropFirst()

        let value: String
        switch rest.drop(while: \.isWhitespace).first {
        case "\"":
            value = try self.doubleQuoted(rest.drop(while: \.isWhitespace).dropFirst(), key: key)
        case "'":
            value = try self.singleQuoted(rest.drop(while: \.isWhitespace).dropFirst(), key: key)
        default:
            value = self.unquoted(rest)
        }
        return (String(key), value)
    }

    private static func unquoted(_ text: Substring) -> String {
        var previous: Character = "="
        for index in text.indices {
            if text[index] == "#" && previous.isWhitespace {
                return text[..<index].trimmingWhitespace()
            }
            previous = text[index]
        }
        return text.trimmingWhitespace()
    }

    /// The value after an opening `'`: everything up to the next `'`, without escapes.
    private static func singleQuoted(_ text: Substring, key: Substring) throws(LineError) -> String {
        guard let close = text.firstIndex(of: "'") else {
            throw LineError(problem: "the single-quoted value of \(key) has no closing quote")
        }
        try self.checkTrailer(text[text.index(after: close)...], key: key)
        return String(text[..<close])
    }

    /// The value after an opening `"`, with its escapes resolved.
    private static func doubleQuoted(_ text: Substring, key: Substring) throws(LineError) -> String {
        var value = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if character == "\"" {
                try self.checkTrailer(text[index...], key: key)
                return value
            }
            guard character == "\\", index < text.endIndex else {
                value.append(character)
                continue
            }
            let escaped = text[index]
            index = text.index(after: index)
            switch escaped {
            case "n": value.append("\n")
            case "r": value.append("\r")
            case "t": value.append("\t")
            case "\"", "\\": value.append(escaped)
            default: value.append(contentsOf: ["\\", escaped])
            }
        }
        throw LineError(problem: "the double-quoted value of \(key) has no closing quote")
    }

    /// After a closing quote, only whitespace and a comment may follow.
    private static func checkTrailer(_ trailer: Substring, key: Substring) throws(LineError) {
        let rest = trailer.drop(while: \.isWhitespace)
        guard rest.isEmpty || rest.hasPrefix("#") else {
            throw LineError(problem: "text follows the closing quote of \(key)'s value")
        }
    }
}
