import CLinux
import Glibc

/// The `Date` header value (RFC 9110 §5.6.7, IMF-fixdate), formatted once per second.
final class HTTPDateCache {
    private var second: Int = -1
    private(set) var value: [UInt8] = []

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Appends the header value for the current second.
    func append(to output: inout [UInt8]) {
        self.refresh()
        output.append(contentsOf: self.value)
    }

    private func refresh() {
        var now = time(nil)
        if now != self.second {
            self.second = now
            self.value = Array(Self.format(&now).utf8)
        }
    }

    static func format(_ clock: inout time_t) -> String {
        var parts = tm()
        gmtime_r(&clock, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = Self.days[Int(parts.tm_wday)]
        let month = Self.months[Int(parts.tm_mon)]
        let time = "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        return "\(day), \(two(parts.tm_mday)) \(month) \(1900 + parts.tm_year) \(time) GMT"
    }
}
