import Foundation

/// The models an Ollama installation has pulled, read straight from its files, so the embedded
/// engine can run them without an Ollama server.
///
/// Follows Ollama's on-disk layout: a manifest per model at
/// `manifests/HOST/NAMESPACE/NAME/TAG` (JSON whose `layers` include one with media type
/// `application/vnd.ollama.image.model`, the GGUF weights) and each layer's content at
/// `blobs/sha256-HEX`, named by its digest `sha256:HEX`.
public struct OllamaModelStore: Sendable {
    /// One pulled model.
    public struct Entry: Sendable, Equatable {
        /// `NAME:TAG` for Ollama's own library, `NAMESPACE/NAME:TAG` or `HOST/NAMESPACE/NAME:TAG` otherwise.
        public var name: String
        /// Bytes of the weights file.
        public var size: Int
        /// The GGUF blob.
        public var path: String

        public init(name: String, size: Int, path: String) {
            (self.name, self.size, self.path) = (name, size, path)
        }
    }

    /// The folder holding `manifests` and `blobs`.
    public let root: String

    static let defaultHost = "registry.ollama.ai"
    static let defaultNamespace = "library"
    static let modelMediaType = "application/vnd.ollama.image.model"

    public init(root: String) { self.root = root }

    /// The store Ollama itself uses: `OLLAMA_MODELS`, else `~/.ollama/models`.
    public init(environment: [String: String]) {
        if let root = environment["OLLAMA_MODELS"], !root.isEmpty {
            self.init(root: root)
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            self.init(root: home + "/.ollama/models")
        }
    }

    /// Every model with a readable manifest, sorted by name; models whose weights are missing
    /// are left out.
    public func list() -> [Entry] {
        let manifests = self.root + "/manifests"
        let files = FileManager.default
        var entries: [Entry] = []
        for host in Self.children(manifests) {
            for namespace in Self.children("\(manifests)/\(host)") {
                for name in Self.children("\(manifests)/\(host)/\(namespace)") {
                    for tag in Self.children("\(manifests)/\(host)/\(namespace)/\(name)") {
                        let reference = Reference(host: host, namespace: namespace, name: name, tag: tag)
                        guard let path = try? self.blobPath(reference),
                            let size = (try? files.attributesOfItem(atPath: path))?[.size] as? Int
                        else { continue }
                        entries.append(Entry(name: reference.displayName, size: size, path: path))
                    }
                }
            }
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// The GGUF file of `NAME[:TAG]` (tag `latest` when absent; `NAMESPACE/NAME` and
    /// `HOST/NAMESPACE/NAME` for models from elsewhere).
    public func resolve(_ text: String) throws(OllamaStoreError) -> String {
        guard let reference = Reference(parsing: text) else {
            throw OllamaStoreError("\"\(text)\" is not an Ollama model name; expected NAME or NAME:TAG")
        }
        return try self.blobPath(reference)
    }

    private func blobPath(_ reference: Reference) throws(OllamaStoreError) -> String {
        let manifest =
            "\(self.root)/manifests/\(reference.host)/\(reference.namespace)/\(reference.name)/\(reference.tag)"
        guard let data = FileManager.default.contents(atPath: manifest) else {
            throw OllamaStoreError(
                "\(reference.displayName) is not in the Ollama store at \(self.root) (no manifest at \(manifest)); "
                    + "run `ollama pull \(reference.displayName)`, or set OLLAMA_MODELS to the store's folder")
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let layers = object?["layers"] as? [[String: Any]] ?? []
        guard let layer = layers.first(where: { $0["mediaType"] as? String == Self.modelMediaType }),
            let digest = layer["digest"] as? String, digest.hasPrefix("sha256:")
        else {
            throw OllamaStoreError("the manifest \(manifest) has no model layer with a sha256 digest")
        }
        let path = "\(self.root)/blobs/sha256-\(digest.dropFirst("sha256:".count))"
        guard FileManager.default.fileExists(atPath: path) else {
            throw OllamaStoreError(
                "the weights of \(reference.displayName) are missing (\(path)); "
                    + "run `ollama pull \(reference.displayName)`"
            )
        }
        return path
    }

    private static func children(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// A model name split the way Ollama splits it.
    private struct Reference {
        var host = OllamaModelStore.defaultHost
        var namespace = OllamaModelStore.defaultNamespace
        var name: String
        var tag = "latest"

        init(host: String, namespace: String, name: String, tag: String) {
            (self.host, self.namespace, self.name, self.tag) = (host, namespace, name, tag)
        }

        init?(parsing text: String) {
            var path = Substring(text)
            if let colon = path.lastIndex(of: ":"), !path[colon...].contains("/") {
                self.tag = String(path[path.index(after: colon)...])
                path = path[..<colon]
            }
            let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let valid = (1...3).contains(parts.count) && !self.tag.isEmpty
            guard valid, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
            self.name = parts[parts.count - 1]
            if parts.count >= 2 { self.namespace = parts[parts.count - 2] }
            if parts.count == 3 { self.host = parts[0] }
        }

        var displayName: String {
            if self.host == OllamaModelStore.defaultHost {
                let prefix = self.namespace == OllamaModelStore.defaultNamespace ? "" : self.namespace + "/"
                return "\(prefix)\(self.name):\(self.tag)"
            }
            return "\(self.host)/\(self.namespace)/\(self.name):\(self.tag)"
        }
    }
}

/// A model the Ollama store does not have, or cannot give, with what to do about it.
public struct OllamaStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { self.message }
}
