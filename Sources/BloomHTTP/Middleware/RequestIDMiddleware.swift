import Synchronization

/// Gives each request an id: the caller's `X-Request-ID` or `X-Correlation-ID` when it is a
/// sane token, a fresh random one otherwise; echoed in `X-Request-ID`.
public struct RequestIDMiddleware: HTTPMiddleware {
    public init() {}

    public func intercept(_ request: inout HTTPRequest, context: inout RequestContext) -> HTTPResponse? {
        var offered: String?
        for field in request.headers {
            let length = field.name.utf8.count
            if length == 12 && HTTPHeaders.namesMatch(field.name, "X-Request-ID") {
                offered = field.value
                break
            }
            if length == 16 && offered == nil && HTTPHeaders.namesMatch(field.name, "X-Correlation-ID") {
                offered = field.value
            }
        }
        if let offered, Self.isAcceptable(offered) {
            context.requestID = offered
        } else {
            context.requestID = Self.generate()
        }
        return nil
    }

    public func decorate(_ response: inout HTTPResponse, request: HTTPRequest?, context: RequestContext) {
        if context.requestID.isEmpty {
            let id = Self.generate()
            response.headers.set("X-Request-ID", id)
            response.requestID = id
        } else {
            response.headers.add("X-Request-ID", context.requestID)
        }
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

    /// 32 lowercase hex digits, unique within the process and unpredictable without its key.
    ///
    /// A counter run through a keyed mixer (splitmix64's finaliser) instead of two `getrandom`
    /// calls per request: ids need to be unique and not guessable, not cryptographic, and the
    /// system calls were a third of the server's system calls under load.
    static func generate() -> String {
        let count = Self.counter.wrappingAdd(1, ordering: .relaxed).newValue
        let high = Self.mix(count ^ Self.keys.0)
        let low = Self.mix(count &+ Self.keys.1)
        return String(unsafeUninitializedCapacity: 32) { buffer in
            Self.writeHex(high, into: buffer, at: 0)
            Self.writeHex(low, into: buffer, at: 16)
            return 32
        }
    }

    private static let counter = Atomic<UInt64>(0)
    private static let keys: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func writeHex(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for index in 0..<16 {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0x0f
            buffer[offset + index] = nibble < 10 ? 48 + nibble : 87 + nibble
        }
    }
}
