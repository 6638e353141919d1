import Foundation

/// Locating and reading the files a ``ConfigurationLoader`` needs.
extension ConfigurationLoader {
    /// The bloom.json named by the highest layer that names one, parsed; `nil` when none does.
    func configurationFile(dotEnv: [String: String]?) throws(ConfigurationError) -> ConfigurationFile? {
        let setting = Configuration.configFileSetting
        let candidates: [(text: String?, source: ConfigurationSource)] = [
            (setting.flag.flatMap { self.flags[$0] }, .flag),
            (self.environment[setting.environmentName], .environment),
            (dotEnv?[setting.environmentName], .dotenv(path: self.resolve(".env"))),
        ]
        guard let named = candidates.first(where: { !($0.text ?? "").trimmingWhitespace().isEmpty }),
            let text = named.text
        else {
            return nil
        }

        let path = self.resolve(text.trimmingWhitespace())
        guard let contents = try self.readData(at: path, source: named.source) else {
            throw .missingFile(path, setting: setting, source: named.source)
        }
        return try ConfigurationFile(contents: contents, path: path)
    }

    /// `path` made absolute against ``workingDirectory``, with `.` and `..` segments removed.
    func resolve(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : "\(self.workingDirectory)/\(path)"
        var segments: [Substring] = []
        for segment in joined.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return "/" + segments.joined(separator: "/")
    }

    /// The UTF-8 text at `path`, or `nil` when nothing exists there.
    func readText(at path: String, source: ConfigurationSource) throws(ConfigurationError) -> String? {
        guard let data = try self.readData(at: path, source: source) else {
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .malformedFile(path, source: source, problem: "it is not UTF-8 text", expected: "a UTF-8 file")
        }
        return text
    }

    /// The bytes at `path`, or `nil` when nothing exists there; a directory or unreadable file is an error.
    func readData(at path: String, source: ConfigurationSource) throws(ConfigurationError) -> Data? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return nil
        }
        guard !isDirectory.boolValue else {
            throw .unreadableFile(path, source: source, reason: "it is a directory; name a file instead")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadableFile(path, source: source, reason: error.localizedDescription)
        }
    }
}
