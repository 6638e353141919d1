import Foundation

/// The real SmolLM2 model file for tests that run it, and whether running it is worth it here.
///
/// The file is `BLOOM_TEST_MODEL` when set (scripts/test sets it), else
/// `.build/models/SmolLM2-135M-Instruct.Q4_1.gguf` in the repository. Generating with it in
/// a debug build takes minutes, so those tests run only in optimised builds.
public enum TestModelFile {
    public static let path: String? = {
        if let path = ProcessInfo.processInfo.environment["BLOOM_TEST_MODEL"], !path.isEmpty {
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = repository.appendingPathComponent(".build/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    /// Whether this build is optimised (`swift build -c release`).
    public static var isOptimisedBuild: Bool {
        #if DEBUG
            false
        #else
            true
        #endif
    }

    /// Whether tests that generate with the real model should run: the file is there and the
    /// build is optimised.
    public static var canGenerate: Bool { path != nil && isOptimisedBuild }

    /// The smallest valid GGUF file: header, no metadata, no tensors. Enough for anything that
    /// reads headers; not a model.
    public static func writeEmptyGGUF(to path: String) throws {
        var bytes: [UInt8] = Array("GGUF".utf8)
        bytes += withUnsafeBytes(of: UInt32(3).littleEndian, Array.init)
        bytes += withUnsafeBytes(of: UInt64(0).littleEndian, Array.init)
        bytes += withUnsafeBytes(of: UInt64(0).littleEndian, Array.init)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// A new empty folder under the temporary directory.
    public static func temporaryDirectory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "bloom-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
