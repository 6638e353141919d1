/// Why a GGUF file could not be read. Every case names the part of the file at fault.
package enum GGUFError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notGGUF(path: String)
    case unsupportedVersion(UInt32)
    case truncated(reading: String, offset: Int)
    case invalidValueType(key: String, type: UInt32)
    case invalidString(reading: String)
    case missingKey(String)
    case wrongKeyType(key: String, expected: String)
    case unknownTensorType(tensor: String, type: UInt32)
    case invalidTensorShape(tensor: String, detail: String)
    case tensorOutOfBounds(tensor: String)
    case missingTensor(String)
    case unsupportedTensorType(tensor: String, type: GGMLType)
    case unsupportedArchitecture(String)
    case unsupportedTokenizer(key: String, value: String, supported: String)
    case invalidHyperparameter(key: String, detail: String)

    package var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .notGGUF(let path): "\(path) is not a GGUF file (its first four bytes are not \"GGUF\")"
        case .unsupportedVersion(let version): "GGUF version \(version) is not supported; versions 2 and 3 are"
        case .truncated(let part, let offset): "the file ends inside \(part) at byte \(offset); it is truncated"
        case .invalidValueType(let key, let type): "metadata key \(key) has unknown value type \(type)"
        case .invalidString(let part): "\(part) is not valid UTF-8"
        case .missingKey(let key): "metadata key \(key) is missing"
        case .wrongKeyType(let key, let expected): "metadata key \(key) is not \(expected)"
        case .unknownTensorType(let tensor, let type): "tensor \(tensor) has unknown element type \(type)"
        case .invalidTensorShape(let tensor, let detail): "tensor \(tensor) has an invalid shape: \(detail)"
        case .tensorOutOfBounds(let tensor): "tensor \(tensor) extends past the end of the file; it is truncated"
        case .missingTensor(let tensor): "tensor \(tensor) is missing"
        case .unsupportedTensorType(let tensor, let type):
            "tensor \(tensor) is stored as \(type.name), which the engine does not support "
                + "(supported: F32, F16, Q4_0, Q4_1, Q8_0, Q4_K, Q6_K)"
        case .unsupportedArchitecture(let name):
            "model architecture \(name) is not supported (supported: llama, qwen2)"
        case .unsupportedTokenizer(let key, let value, let supported):
            "metadata key \(key) is \"\(value)\", which the tokenizer does not support (supported: \(supported))"
        case .invalidHyperparameter(let key, let detail): "metadata key \(key) is invalid: \(detail)"
        }
    }
}
