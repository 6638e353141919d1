// swift-format-ignore-file: AlwaysUseLowerCamelCase
// (names follow ggml's format names: Q4_0, Q4_K, …)

/// Plain scalar quantisation of floats into every supported format, used to write test models.
///
/// Q4_0, Q4_1 and Q8_0 follow ggml's `quantize_row_*_ref` step for step (the same float
/// operations in the same order), so they produce the same bytes as ggml and gguf-py; the tests
/// check that against gguf-py. Q4_K and Q6_K use a one-pass scale choice instead of ggml's
/// iterative search: every sub-block's step is rounded *up* to the 6- or 8-bit scale grid so that
/// no weight is clamped, which bounds the error of every weight by half its sub-block's step:
/// - Q4_K: |x − x̂| ≤ d·sc/2, with d·sc ≤ (range + dmin)/15 + d (range counts 0 in, as mins ≥ 0).
/// - Q6_K: |x − x̂| ≤ d·sc/2, with d·sc ≤ max|x|/31 + d.
/// Their error is somewhat larger than ggml's searched scales; that is fine for random test weights.
package enum ReferenceQuantizer {
    /// Quantises `count` floats (whole blocks of `type`) into `output` (`type.byteCount` bytes).
    package static func quantize(
        _ type: GGMLType, _ values: UnsafePointer<Float>, count: Int, into output: UnsafeMutableRawPointer
    ) {
        precondition(count % type.blockLength == 0, "\(count) values are not whole \(type.name) blocks")
        let blocks = count / type.blockLength
        for b in 0..<blocks {
            let x = values + b * type.blockLength
            let y = output + b * type.blockByteCount
            switch type {
            case .f32: y.copyMemory(from: x, byteCount: 4)
            case .f16: y.storeBytes(of: halfFromFloat(x[0]), as: UInt16.self)
            case .q4_0: self.q4_0(x, y)
            case .q4_1: self.q4_1(x, y)
            case .q8_0: self.q8_0(x, y)
            case .q4_K: self.q4_K(x, y)
            case .q6_K: self.q6_K(x, y)
            default: preconditionFailure("no quantiser for \(type.name)")
            }
        }
    }

    /// The bytes of `values` stored as `type`.
    package static func quantize(_ type: GGMLType, _ values: [Float]) -> [UInt8] {
        guard let byteCount = type.byteCount(elements: values.count) else {
            preconditionFailure("\(values.count) values are not whole \(type.name) blocks")
        }
        var bytes = [UInt8](repeating: 0, count: byteCount)
        values.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBytes {
                self.quantize(type, source.baseAddress!, count: values.count, into: $0.baseAddress!)
            }
        }
        return bytes
    }

    /// d = (value of largest magnitude) / −8, so that value maps to −8 exactly; q = min(15, trunc(x/d + 8.5)).
    private static func q4_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        var absMax: Float = 0
        var extreme: Float = 0
        for j in 0..<32 where absMax < abs(x[j]) {
            absMax = abs(x[j])
            extreme = x[j]
        }
        let d = extreme / -8
        let inverse: Float = d != 0 ? 1 / d : 0
        y.storeBytes(of: halfFromFloat(d), as: UInt16.self)
        for j in 0..<16 {
            let low = min(15, Int(x[j] * inverse + 8.5))
            let high = min(15, Int(x[j + 16] * inverse + 8.5))
            y.storeBytes(of: UInt8(low | high << 4), toByteOffset: 2 + j, as: UInt8.self)
        }
    }

    /// d = (max − min)/15, m = min; q = min(15, trunc((x − min)/d + 0.5)).
    private static func q4_1(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        var lowest = Float.greatestFiniteMagnitude
        var highest = -Float.greatestFiniteMagnitude
        for j in 0..<32 {
            lowest = min(lowest, x[j])
            highest = max(highest, x[j])
        }
        let d = (highest - lowest) / 15
        let inverse: Float = d != 0 ? 1 / d : 0
        y.storeBytes(of: halfFromFloat(d), as: UInt16.self)
        y.storeBytes(of: halfFromFloat(lowest), toByteOffset: 2, as: UInt16.self)
        for j in 0..<16 {
            let low = min(15, Int((x[j] - lowest) * inverse + 0.5))
            let high = min(15, Int((x[j + 16] - lowest) * inverse + 0.5))
            y.storeBytes(of: UInt8(low | high << 4), toByteOffset: 4 + j, as: UInt8.self)
        }
    }

    /// d = max|x|/127; q = round(x/d), halves away from zero (C's `roundf`).
    private static func q8_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        var absMax: Float = 0
        for j in 0..<32 { absMax = max(absMax, abs(x[j])) }
        let d = absMax / 127
        let inverse: Float = d != 0 ? 1 / d : 0
        y.storeBytes(of: halfFromFloat(d), as: UInt16.self)
        for j in 0..<32 {
            let q = Int8((x[j] * inverse).rounded(.toNearestOrAwayFromZero))
            y.storeBytes(of: q, toByteOffset: 2 + j, as: Int8.self)
        }
    }

    /// An fp16 super-block scale no smaller than `needed`, so that rounded-up sub-scales stay in range.
    private static func scaleNotBelow(_ needed: Float) -> (bits: UInt16, value: Float) {
        let bits = halfFromFloat(needed * (1 + 1.0 / 512))
        return (bits, floatFromHalf(bits))
    }

    /// The smallest whole multiple count `k` (at most `limit`) with `k · unit ≥ needed`.
    private static func steps(_ needed: Float, _ unit: Float, limit: Int) -> Int {
        guard unit > 0, needed > 0 else { return 0 }
        return min(limit, Int((needed / unit).rounded(.up)))
    }

    private static func q4_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        // Per sub-block of 32: the offset needed to lift the lowest value (or 0) to 0, and the span.
        var lift = [Float](repeating: 0, count: 8)
        var highs = [Float](repeating: 0, count: 8)
        for j in 0..<8 {
            var lowest: Float = 0
            var highest: Float = 0
            for l in 0..<32 {
                lowest = min(lowest, x[j * 32 + l])
                highest = max(highest, x[j * 32 + l])
            }
            (lift[j], highs[j]) = (-lowest, highest)
        }
        let (dminBits, dmin) = self.scaleNotBelow(lift.max()! / 63)
        let offsets = lift.map { Float(self.steps($0, dmin, limit: 63)) }
        let spans = (0..<8).map { highs[$0] + dmin * offsets[$0] }
        let (dBits, d) = self.scaleNotBelow(spans.max()! / (15 * 63))
        let scales = spans.map { self.steps($0 / 15, d, limit: 63) }
        let mins = offsets.map { Int($0) }

        y.storeBytes(of: dBits, as: UInt16.self)
        y.storeBytes(of: dminBits, toByteOffset: 2, as: UInt16.self)
        for j in 0..<4 {
            y.storeBytes(of: UInt8(scales[j] | (scales[j + 4] >> 4) << 6), toByteOffset: 4 + j, as: UInt8.self)
            y.storeBytes(of: UInt8(mins[j] | (mins[j + 4] >> 4) << 6), toByteOffset: 8 + j, as: UInt8.self)
            let packed = UInt8((scales[j + 4] & 0x0F) | (mins[j + 4] & 0x0F) << 4)
            y.storeBytes(of: packed, toByteOffset: 12 + j, as: UInt8.self)
        }

        // Dequantisation computes (d·sc)·q − dmin·m; quantise against the same two products.
        var q = [Int](repeating: 0, count: 256)
        for j in 0..<8 {
            let step = d * Float(scales[j])
            let offset = dmin * Float(mins[j])
            for l in 0..<32 where step > 0 {
                let level = ((x[j * 32 + l] + offset) / step).rounded(.toNearestOrAwayFromZero)
                q[j * 32 + l] = Int(max(0, min(15, level)))
            }
        }
        for pair in 0..<4 {
            for l in 0..<32 {
                let byte = UInt8(q[pair * 64 + l] | q[pair * 64 + 32 + l] << 4)
                y.storeBytes(of: byte, toByteOffset: 16 + pair * 32 + l, as: UInt8.self)
            }
        }
    }

    private static func q6_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
        // Per sub-block of 16: the step that maps the largest magnitude to ±31.
        let needed = (0..<16).map { j in
            (0..<16).reduce(Float(0)) { max($0, abs(x[j * 16 + $1])) } / 31
        }
        let (dBits, d) = self.scaleNotBelow(needed.max()! / 127)
        let scales = needed.map { self.steps($0, d, limit: 127) }

        var q = [Int](repeating: 32, count: 256)  // stored as q + 32 in 0...63
        for j in 0..<16 {
            let step = d * Float(scales[j])
            for l in 0..<16 where step > 0 {
                let level = (x[j * 16 + l] / step).rounded(.toNearestOrAwayFromZero)
                q[j * 16 + l] = Int(max(-32, min(31, level))) + 32
            }
        }
        for half in 0..<2 {
            for l in 0..<32 {
                let (q0, q1, q2, q3) = (
                    q[half * 128 + l], q[half * 128 + 32 + l], q[half * 128 + 64 + l], q[half * 128 + 96 + l]
                )
                let low0 = UInt8((q0 & 0x0F) | (q2 & 0x0F) << 4)
                let low1 = UInt8((q1 & 0x0F) | (q3 & 0x0F) << 4)
                let high = UInt8(q0 >> 4 | (q1 >> 4) << 2 | (q2 >> 4) << 4 | (q3 >> 4) << 6)
                y.storeBytes(of: low0, toByteOffset: half * 64 + l, as: UInt8.self)
                y.storeBytes(of: low1, toByteOffset: half * 64 + 32 + l, as: UInt8.self)
                y.storeBytes(of: high, toByteOffset: 128 + half * 32 + l, as: UInt8.self)
            }
        }
        for j in 0..<16 { y.storeBytes(of: Int8(scales[j]), toByteOffset: 192 + j, as: Int8.self) }
        y.storeBytes(of: dBits, toByteOffset: 208, as: UInt16.self)
    }
}
