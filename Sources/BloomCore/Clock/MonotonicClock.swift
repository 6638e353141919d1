import Glibc

/// Nanosecond timestamps from `CLOCK_MONOTONIC`, for durations, deadlines and timeouts.
///
/// A plain integer is cheaper to store per connection than `ContinuousClock.Instant` and is
/// what the event loops compare on every tick.
public enum MonotonicClock {
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// Nanoseconds in `duration`, saturating at zero for negative durations.
    public static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }

    /// Milliseconds between two timestamps, as a fraction.
    public static func milliseconds(from start: UInt64, to end: UInt64) -> Double {
        Double(end &- start) / 1_000_000
    }
}
