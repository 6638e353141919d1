// swift-format-ignore-file: AlwaysUseLowerCamelCase
// (names follow ggml's format names: Q4_0, Q4_K, …)

/// Plain scalar dequantisation of one row of a tensor, for every supported format.
///
/// This is the reference the fast kernels are tested against, and the path for formats and
/// operations without a fast kernel (embedding rows). The block layouts follow ggml's
/// `block_q4_0`, `block_q4_1`, `block_q8_0`, `block_q4_K` and `block_q6_K`.
package enum ReferenceDequantizer {
    /// Writes the `count` values of a row starting at `row` (whole blocks) into `output`.
    package static func dequantize(
        _ type: GGMLType, row: UnsafeRawPointer, count: Int, into output: UnsafeMutablePointer<Float>
    ) {
        switch type {
        case .f32: output.update(from: row.assumingMemoryBound(to: Float.self), count: count)
        case .f16: self.f16(row, count, output)
        case .q4_0: self.q4_0(row, count, output)
        case .q4_1: self.q4_1(row, count, output)
        case .q8_0: self.q8_0(row, count, output)
        case .q4_K: self.q4_K(row, count, output)
        case .q6_K: self.q6_K(row, count, output)
        default: preconditionFailure("no dequantiser for \(type.name); GGMLType.isSupported is checked at load")
        }
    }

    private static func half(_ base: UnsafeRawPointer, _ offset: Int) -> Float {
        floatFromHalf(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    private static func f16(_ row: UnsafeRawPointer, _ count: Int, _ out: UnsafeMutablePointer<Float>) {
        for i in 0..<count { out[i] = self.half(row, 2 * i) }
    }

    /// 32 weights: d, then 16 bytes whose low nibbles are weights 0–15 and high nibbles 16–31; w = d·(q − 8).
    private static func q4_0(_ row: UnsafeRawPointer, _ count: Int, _ out: UnsafeMutablePointer<Float>) {
        for b in 0..<count / 32 {
            let block = row + b * 18
            let d = self.half(block, 0)
            for j in 0..<16 {
                let byte = block.load(fromByteOffset: 2 + j, as: UInt8.self)
                out[b * 32 + j] = d * Float(Int(byte & 0x0F) - 8)
                out[b * 32 + j + 16] = d * Float(Int(byte >> 4) - 8)
            }
        }
    }

    /// 32 weights: d, m, then nibbles as in Q4_0; w = d·q + m.
    private static func q4_1(_ row: UnsafeRawPointer, _ count: Int, _ out: UnsafeMutablePointer<Float>) {
        for b in 0..<count / 32 {
            let block = row + b * 20
            let d = self.half(block, 0)
            let m = self.half(block, 2)
            for j in 0..<16 {
                let byte = block.load(fromByteOffset: 4 + j, as: UInt8.self)
                out[b * 32 + j] = d * Float(byte & 0x0F) + m
                out[b * 32 + j + 16] = d * Float(byte >> 4) + m
            }
        }
    }

    /// 32 weights: d, then 32 signed bytes; w = d·q.
    private static func q8_0(_ row: UnsafeRawPointer, _ count: Int, _ out: UnsafeMutablePointer<Float>) {
        for b in 0..<count / 32 {
            let block = row + b * 34
            let d = self.half(block, 0)
            for j in 0..<32 {
                out[b * 32 + j] = d * Float(block.load(fromByteOffset: 2 + j, as: Int8.self))
            }
        }
    }

    /// 256 weights in 8 sub-blocks of 32: d, dmin, 12 bytes packing 8 six-bit scales and 8 six-bit
    /// minimums, 128 bytes of nibbles (each 32 bytes hold two sub-blocks: low then high nibbles);
    /// w = d·scale·q − dmin·min.
    private static func q4_K(_ row: UnsafeRawPointer, _ count: Int, _ out: UnsafeMutablePointer<Float>) {
        for b in 0..<count / 256 {
            let block = row + b * 144
            let d = self.half(block, 0)
            let dmin = self.half(block, 2)
            let packed = (0..<12).map { block.load(fromByteOffset: 4 + $0, as: UInt8.self) }
            for pair in 0..<4 {
                let quants = block + 16 + pair * 32
                for half in 0..<2 {
                    let (scale, minimum) = self.scaleAndMinimum(packed, index: pair * 2 + half)
                    let factor = d * Float(scale)
                    let offset = dmin * Float(minimum)
                    for l in 0..<32 {
                        let byte = quants.load(fromByteOffset: l, as: UInt8.self)
                        let q = half == 0 ? byte & 0x0F : byte >> 4
                        out[b * 256 + pair * 64 + half * 32 + l] = factor * Float(q) - offset
                    }
                }
            }
        }
    }

    /// The six-bit scale and minimum of sub-block `index` (0–7) from Q4_K's 12 packed bytes.
    package static func scaleAndMinimum(_ packed: [UInt8], index j: Int) -> (UInt8, UInt8) {
        if j < 4 {
            return (packed[j] & 63, packed[j + 4] & 63)
        }
        let scale = (packed[j + 4] & 0x0F) | ((packed[j - 4] >> 6) << 4)
        let minimum = (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4)
        return (scale, minimum)
    }

    /// 256 weights: 128 bytes of low nibbles, 64 bytes of high bit pairs, 16 signed sub-scales
    /// (one per 16 weights), d; w = d·scale·(q − 32) with q six bits.
    private static func q6_K(_ row: UnsafeRawPointer, _ count: Int, _ out: UnsafeMutablePointer<Float>) {
        for b in 0..<count / 256 {
            let block = row + b * 210
            let d = self.half(block, 208)
            for half in 0..<2 {
                let low = block + half * 64
                let high = block + 128 + half * 32
                let scales = block + 192 + half * 8
                let base = b * 256 + half * 128
                for l in 0..<32 {
                    let scaleIndex = l / 16
                    let l0 = low.load(fromByteOffset: l, as: UInt8.self)
                    let l32 = low.load(fromByteOffset: l + 32, as: UInt8.self)
                    let h = high.load(fromByteOffset: l, as: UInt8.self)
                    let q1 = Int(l0 & 0x0F) | Int((h >> 0) & 3) << 4
                    let q2 = Int(l32 & 0x0F) | Int((h >> 2) & 3) << 4
                    let q3 = Int(l0 >> 4) | Int((h >> 4) & 3) << 4
                    let q4 = Int(l32 >> 4) | Int((h >> 6) & 3) << 4
                    let s = { (k: Int) in Float(scales.load(fromByteOffset: scaleIndex + k, as: Int8.self)) }
                    out[base + l] = d * s(0) * Float(q1 - 32)
                    out[base + l + 32] = d * s(2) * Float(q2 - 32)
                    out[base + l + 64] = d * s(4) * Float(q3 - 32)
                    out[base + l + 96] = d * s(6) * Float(q4 - 32)
                }
            }
        }
    }
}
