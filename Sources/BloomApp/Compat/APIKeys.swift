/// The bearer keys an API requires, when any are configured (`BLOOM_API_KEYS`).
///
/// Compares in time that does not depend on where a wrong key differs, so a client cannot
/// find a key byte by byte from response times; every configured key is compared.
struct APIKeys: Sendable {
    private let keys: [[UInt8]]

    init(_ keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
    }

    /// True when no keys are configured: the API is open.
    var isOpen: Bool { self.keys.isEmpty }

    /// Whether `authorization` (the header's value) is `Bearer <a configured key>`.
    func allows(authorization: String?) -> Bool {
        if self.isOpen { return true }
        guard let authorization else { return false }
        let scheme = "bearer "
        guard authorization.count > scheme.count, authorization.lowercased().hasPrefix(scheme) else { return false }
        let given = Array(authorization.utf8.dropFirst(scheme.utf8.count))
        var matched = false
        for key in self.keys where Self.equal(given, key) {
            matched = true
        }
        return matched
    }

    /// Byte equality that reads every byte of the longer input whatever it finds.
    private static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
