/// Gives each request an id: the caller's `X-Request-ID` or `X-Correlation-ID` when it is a
/// sane token, a fresh random one otherwise; echoed in `X-Request-ID`.
public struct RequestIDMiddleware: HTTPMiddleware {
    public init() {}

    public func intercept(_ request: inout HTTPRequest, context: inout RequestContext) -> HTTPResponse? {
        let offered = request.headers["X-Request-ID"] ?? request.headers["X-Correlation-ID"]
        if let offered, Self.isAcceptable(offered) {
            context.requestID = offered
        } else {
            context.requestID = Self.generate()
        }
        return nil
    }

    public func decorate(_ response: inout HTTPResponse, request: HTTPRequest?, context: RequestContext) {
        response.headers.set("X-Request-ID", context.requestID.isEmpty ? Self.generate() : context.requestID)
    }

    /// 1–128 characters of letters, digits and `-_.:`: nothing that could corrupt a log line.
    static func isAcceptable(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case 48...57, 65...90, 97...122, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
                true
            default:
                false
            }
        }
    }

    /// 128 random bits as 32 lowercase hex digits.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return Self.hex(high) + Self.hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
