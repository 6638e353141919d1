/// IEEE half-precision bits to a Float, written out so it needs no CPU feature.
///
/// Swift's `Float16` is unavailable on x86 Linux builds without F16C code generation, and the
/// engine must run on any x86-64, so the reference conversion is plain integer arithmetic.
@inline(__always)
package func floatFromHalf(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let mantissa = UInt32(bits & 0x03FF)
    if exponent == 0x1F {
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {
        // Zero or subnormal: the value is mantissa × 2^-24.
        let magnitude = Float(mantissa) * (1.0 / 16_777_216.0)
        return sign == 0 ? magnitude : -magnitude
    }
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

/// A Float to IEEE half-precision bits, rounding to nearest even (used to write test models).
package func halfFromFloat(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16((bits >> 16) & 0x8000)
    let exponent = Int((bits >> 23) & 0xFF) - 127 + 15
    var mantissa = bits & 0x007F_FFFF
    if (bits & 0x7FFF_FFFF) > 0x7F80_0000 { return sign | 0x7E00 }
    if exponent >= 0x1F { return sign | 0x7C00 }
    if exponent <= 0 {
        guard exponent >= -10 else { return sign }
        mantissa |= 0x0080_0000
        let shift = UInt32(14 - exponent)
        var half = mantissa >> shift
        let remainder = mantissa & ((1 << shift) - 1)
        let halfway = UInt32(1) << (shift - 1)
        if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }
    var half = UInt32(exponent) << 10 | (mantissa >> 13)
    let remainder = mantissa & 0x1FFF
    if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) { half += 1 }
    return sign | UInt16(truncatingIfNeeded: half)
}
