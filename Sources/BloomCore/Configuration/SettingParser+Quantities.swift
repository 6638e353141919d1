/// Durations and byte sizes.
///
/// Durations follow Go's `time.ParseDuration`, which Ollama uses for `OLLAMA_KEEP_ALIVE`: a sequence of
/// decimal numbers each with a unit (`ns`, `us` or `µs`, `ms`, `s`, `m`, `h`), so `250ms`, `1.5h` and `1h30m`
/// all parse. A plain number with no unit is seconds, as Ollama also accepts. Values are computed in whole
/// nanoseconds, so `0.3s` is exactly 300 ms rather than a binary approximation.
extension SettingParser {
    static let durationExpectation = "a positive duration such as 250ms, 10s, 2m, 1h or a plain number of seconds"

    /// Nanoseconds per unit suffix.
    private static let nanosecondsPerUnit: [String: Int64] = [
        "ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    static func positiveDuration(_ text: String) throws(InvalidSettingValue) -> Duration {
        guard let nanoseconds = self.nanoseconds(in: text), nanoseconds > 0 else {
            throw InvalidSettingValue(expected: self.durationExpectation)
        }
        return .nanoseconds(nanoseconds)
    }

    /// Ollama's keep-alive: a duration, where `0` unloads at once and any negative value means forever.
    static func keepAlive(_ text: String) throws(InvalidSettingValue) -> ModelKeepAlive {
        guard let nanoseconds = self.nanoseconds(in: text) else {
            throw InvalidSettingValue(
                expected: "a duration such as 10m, 1h, 30s or plain seconds; 0 to unload at once, -1 to never unload"
            )
        }
        return nanoseconds < 0 ? .forever : .duration(.nanoseconds(nanoseconds))
    }

    /// A byte count: plain bytes, or a number with `k`, `m` or `g` (optionally followed by `b` or `ib`),
    /// all powers of 1024 as nginx and Docker read them, so `512k`, `1m` and `2mb` all work.
    static func byteCount(in range: ClosedRange<Int>) -> SettingParse<Int> {
        { text throws(InvalidSettingValue) in
            guard let bytes = self.bytes(in: text), range.contains(bytes) else {
                throw InvalidSettingValue(
                    expected: "a size from \(range.lowerBound) to \(range.upperBound) bytes, "
                        + "as plain bytes or with a k, m or g suffix such as 512k"
                )
            }
            return bytes
        }
    }

    /// The signed nanosecond count `text` spells, or `nil` when it is no duration or overflows 64 bits.
    static func nanoseconds(in text: String) -> Int64? {
        var rest = Substring(text.trimmingWhitespace())
        var sign: Int64 = 1
        if let first = rest.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else {
            return nil
        }
        if rest.allSatisfy({ $0.isASCIIDigit || $0 == "." }) {
            return self.scale(rest, by: 1_000_000_000).map { sign * $0 }
        }

        var total: Int64 = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCIIDigit || $0 == "." }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !$0.isASCIIDigit && $0 != "." }
            rest = rest.dropFirst(unit.count)
            guard let perUnit = self.nanosecondsPerUnit[String(unit)],
                let amount = self.scale(number, by: perUnit)
            else {
                return nil
            }
            let (sum, overflow) = total.addingReportingOverflow(amount)
            guard !overflow else {
                return nil
            }
            total = sum
        }
        return sign * total
    }

    /// `number` (digits with at most one `.`) times `unit`, rounded to a whole count; `nil` on bad syntax or
    /// overflow. The fraction goes through `Double`, which is exact to well below a nanosecond here.
    private static func scale(_ number: Substring, by unit: Int64) -> Int64? {
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let wholeText = parts[0]
        let fractionText = parts.count > 1 ? parts[1] : ""
        guard !(wholeText.isEmpty && fractionText.isEmpty),
            fractionText.allSatisfy(\.isASCIIDigit),
            let whole = wholeText.isEmpty ? 0 : Int64(wholeText),
            let fraction = Double("0.\(fractionText)0")
        else {
            return nil
        }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: unit)
        let (total, sumOverflow) = scaled.addingReportingOverflow(Int64((fraction * Double(unit)).rounded()))
        return overflow || sumOverflow ? nil : total
    }

    /// The byte count `text` spells, or `nil`.
    private static func bytes(in text: String) -> Int? {
        let lowered = text.trimmingWhitespace().lowercased()
        let digits = lowered.prefix(while: \.isASCIIDigit)
        let suffix = lowered.dropFirst(digits.count)
        let multipliers: [Substring: Int] = [
            "": 1, "b": 1,
            "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
            "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
            "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
        ]
        guard let count = Int(digits), let multiplier = multipliers[suffix] else {
            return nil
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }
}

extension Character {
    /// `0` to `9` only; `isNumber` would also accept other scripts' digits and fractions like `½`.
    var isASCIIDigit: Bool {
        self.isASCII && self.isWholeNumber
    }
}
