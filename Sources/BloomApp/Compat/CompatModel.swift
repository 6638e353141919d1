import BloomGateway
import Foundation

/// What the compatible APIs say about one catalogue model: the facts their model lists carry
/// (size, digest, format), from what Bloom knows.
///
/// Bloom knows less than Ollama does about a model it does not hold itself: for models on
/// other servers the size is 0 and the family is unknown. The digest is not a content hash:
/// it is a hash of the model's catalogue entry, so it changes when the entry does.
struct CompatModel: Sendable {
    let model: CatalogueModel

    /// The GGUF file's size for an embedded model; 0 for models served elsewhere.
    var size: Int {
        guard self.model.provider == .embedded, let path = self.model.endpoints.first else { return 0 }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// 64 hex digits, as Ollama's digests have: four FNV-1a hashes of the catalogue entry.
    var digest: String {
        let identity =
            [self.model.name, self.model.provider.rawValue, self.model.upstreamModel]
            + self.model.endpoints
        let bytes = Array(identity.joined(separator: "\n").utf8)
        return (0..<4).map { round in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 &+ UInt64(round)
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            let text = String(hash, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }

    /// `gguf` for the embedded engine's files; unknown (empty) for models on other servers.
    var format: String { self.model.provider == .embedded ? "gguf" : "" }

    /// Ollama's `details` object, with what is known.
    var ollamaDetails: [String: Any] {
        [
            "parent_model": "",
            "format": self.format,
            "family": "",
            "families": [String](),
            "parameter_size": "",
            "quantization_level": "",
        ]
    }
}

/// Shared helpers of the compatible APIs' JSON.
enum CompatJSON {
    /// Compact JSON bytes, slashes unescaped.
    static func encode(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]))
    }

    static func text(_ object: [String: Any]) throws -> String {
        String(decoding: try Self.encode(object), as: UTF8.self)
    }

    /// Whole nanoseconds of `duration`, as Ollama reports durations.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    static func nanoseconds(milliseconds: Double) -> Int64 {
        Int64((milliseconds * 1_000_000).rounded())
    }
}
