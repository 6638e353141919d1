import Foundation

/// Any JSON value, as bloom.json holds it.
///
/// Decoded with `JSONDecoder` rather than `JSONSerialization` because the latter returns `NSNumber` for both
/// numbers and booleans, and on Linux `true` and `1` cannot be told apart reliably afterwards.
enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case integer(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Tries each JSON type in turn; the decoder refuses `Bool` for numbers and `Int` for fractions, so the
    /// order decides nothing but speed.
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .integer(number)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .integer(let number): try container.encode(number)
        case .double(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }

    /// Compact JSON with sorted keys, stable for tests and for ``Configuration/extraSections``.
    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a decoded JSON value cannot fail: every case maps onto a JSON value. Only non-finite
        // doubles could, and the decoder never produces them.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }
}
