/// The sampler's own seeded generator (xoshiro256**, seeded through splitmix64), so the same seed
/// and input give the same output on every machine and Swift version.
package struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    package init(seed: UInt64) {
        var mixer = seed
        func next() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        self.state = (next(), next(), next(), next())
    }

    package mutating func next() -> UInt64 {
        let result = rotate(self.state.1 &* 5, 7) &* 9
        let shifted = self.state.1 << 17
        self.state.2 ^= self.state.0
        self.state.3 ^= self.state.1
        self.state.1 ^= self.state.2
        self.state.0 ^= self.state.3
        self.state.2 ^= shifted
        self.state.3 = rotate(self.state.3, 45)
        return result
    }

    /// A uniform Float in [0, 1) from the top 24 bits.
    package mutating func nextUnit() -> Float {
        Float(self.next() >> 40) * (1.0 / 16_777_216.0)
    }
}

private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
}
