/// One metadata value attached to a log record.
///
/// Values keep their type so the JSON format can write numbers and booleans as JSON numbers and booleans,
/// which lets log queries compare them (`duration_ms > 500`) instead of matching text.
public enum LogValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
}

/// Metadata keyed by dotted lowercase names such as `request.id` or `model`.
public typealias LogMetadata = [String: LogValue]

extension LogValue: CustomStringConvertible {
    /// The value as plain text, without quoting; formatters add quoting for their own syntax.
    public var description: String {
        switch self {
        case .string(let text): text
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        }
    }
}

extension LogValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension LogValue: ExpressibleByStringInterpolation {
    public init(stringInterpolation: DefaultStringInterpolation) {
        self = .string(String(stringInterpolation: stringInterpolation))
    }
}

extension LogValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) {
        self = .integer(value)
    }
}

extension LogValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) {
        self = .double(value)
    }
}

extension LogValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}
