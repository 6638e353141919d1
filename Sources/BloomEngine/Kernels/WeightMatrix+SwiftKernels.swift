// swift-format-ignore-file: AlwaysUseLowerCamelCase
// (names follow ggml's format names: Q4_0, Q4_K, …)

/// The Swift kernels: the fallback on CPUs without AVX2, and the same arithmetic as the C ones
/// (integer block products, one float multiply per block), so the two agree to float rounding.
extension WeightMatrix {
    func multiplyQ4_1(
        _ x: QuantizedVectors, vectors: Int, rows: Range<Int>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
    ) {
        let blocks = self.columns / 32
        let (scales, mins, quants) = self.storage
        for r in rows {
            for v in 0..<vectors {
                var total: Float = 0
                for b in 0..<blocks {
                    let index = r &* blocks &+ b
                    let xb = v &* blocks &+ b
                    let dot = Self.nibbleDot(quants + index &* 16, x.values + xb &* 32)
                    total += floatFromHalf(scales[index]) * x.scales[xb] * Float(dot)
                    total += floatFromHalf(mins![index]) * x.sums[xb]
                }
                out[v &* stride &+ r] = total
            }
        }
    }

    /// As Q4_1 with the minimum −8·d: Σ d·dx·Σ(q·xq) − 8·d·sum, the C kernel's arithmetic.
    func multiplyQ4_0(
        _ x: QuantizedVectors, vectors: Int, rows: Range<Int>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
    ) {
        let blocks = self.columns / 32
        let (scales, _, quants) = self.storage
        for r in rows {
            for v in 0..<vectors {
                var total: Float = 0
                for b in 0..<blocks {
                    let index = r &* blocks &+ b
                    let xb = v &* blocks &+ b
                    let dot = Self.nibbleDot(quants + index &* 16, x.values + xb &* 32)
                    let d = floatFromHalf(scales[index])
                    total += d * x.scales[xb] * Float(dot)
                    total += -8 * d * x.sums[xb]
                }
                out[v &* stride &+ r] = total
            }
        }
    }

    /// Σ over 32 weights of nibble × activation; low nibbles are weights 0–15, high ones 16–31.
    @inline(__always)
    static func nibbleDot(_ block: UnsafeRawPointer, _ activations: UnsafePointer<Int8>) -> Int32 {
        var dot: Int32 = 0
        for j in 0..<16 {
            let byte = block.load(fromByteOffset: j, as: UInt8.self)
            dot &+= Int32(byte & 0x0F) &* Int32(activations[j])
            dot &+= Int32(byte >> 4) &* Int32(activations[j &+ 16])
        }
        return dot
    }

    /// Σ_j (d·sc_j)·dx_j·Σ(q·xq) − Σ_j (dmin·m_j)·sum_j over the re-laid-out super-blocks.
    func multiplyQ4_K(
        _ x: QuantizedVectors, vectors: Int, rows: Range<Int>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
    ) {
        let supers = self.columns / 256
        let storage = self.superBlockStorage
        for r in rows {
            for v in 0..<vectors {
                var total: Float = 0
                var minimum: Float = 0
                for s in 0..<supers {
                    let block = storage + (r &* supers &+ s) &* Self.q4_KBlockBytes
                    let d = block.load(as: Float.self)
                    let dmin = block.load(fromByteOffset: 4, as: Float.self)
                    for j in 0..<8 {
                        let xb = v &* supers &* 8 &+ s &* 8 &+ j
                        let activations = x.values + xb &* 32
                        let quants = block + (24 &+ (j >> 1) &* 32)
                        let shift: UInt8 = j & 1 == 0 ? 0 : 4
                        var dot: Int32 = 0
                        for l in 0..<32 {
                            let q = (quants.load(fromByteOffset: l, as: UInt8.self) >> shift) & 0x0F
                            dot &+= Int32(q) &* Int32(activations[l])
                        }
                        let scale = Float(block.load(fromByteOffset: 8 &+ j, as: UInt8.self))
                        let offset = Float(block.load(fromByteOffset: 16 &+ j, as: UInt8.self))
                        total += d * scale * x.scales[xb] * Float(dot)
                        minimum += dmin * offset * x.sums[xb]
                    }
                }
                out[v &* stride &+ r] = total - minimum
            }
        }
    }

    /// Σ_k d·dx_k·(sc_a·Σ(q − 32)·xq + sc_b·Σ…): two 16-weight sub-blocks per activation block.
    func multiplyQ6_K(
        _ x: QuantizedVectors, vectors: Int, rows: Range<Int>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
    ) {
        let supers = self.columns / 256
        let storage = self.superBlockStorage
        for r in rows {
            for v in 0..<vectors {
                var total: Float = 0
                for s in 0..<supers {
                    let block = storage + (r &* supers &+ s) &* 210
                    let d = floatFromHalf(block.loadUnaligned(fromByteOffset: 208, as: UInt16.self))
                    for k in 0..<8 {
                        let xb = v &* supers &* 8 &+ s &* 8 &+ k
                        let sum = Self.q6_KBlockDot(block, k, x.values + xb &* 32)
                        total += d * x.scales[xb] * Float(sum)
                    }
                }
                out[v &* stride &+ r] = total
            }
        }
    }

    /// The scaled integer dot product of 32-weight block `k` (0–7) of a Q6_K super-block.
    @inline(__always)
    static func q6_KBlockDot(_ block: UnsafeRawPointer, _ k: Int, _ activations: UnsafePointer<Int8>) -> Int32 {
        let half = k >> 2
        let group = k & 3
        let low = block + (half &* 64 &+ (group & 1) &* 32)
        let high = block + (128 &+ half &* 32)
        let lowShift = UInt8(group >> 1) &* 4
        let highShift = UInt8(group) &* 2
        var sums: (Int32, Int32) = (0, 0)
        for l in 0..<32 {
            let nibble = (low.load(fromByteOffset: l, as: UInt8.self) >> lowShift) & 0x0F
            let pair = (high.load(fromByteOffset: l, as: UInt8.self) >> highShift) & 0x03
            let q = Int32(nibble | pair << 4) &- 32
            if l < 16 { sums.0 &+= q &* Int32(activations[l]) } else { sums.1 &+= q &* Int32(activations[l]) }
        }
        let scaleA = Int32(block.load(fromByteOffset: 192 &+ 2 &* k, as: Int8.self))
        let scaleB = Int32(block.load(fromByteOffset: 193 &+ 2 &* k, as: Int8.self))
        return scaleA &* sums.0 &+ scaleB &* sums.1
    }

    func multiplyQ8_0(
        _ x: QuantizedVectors, vectors: Int, rows: Range<Int>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
    ) {
        let blocks = self.columns / 32
        let (scales, _, quants) = self.storage
        for r in rows {
            for v in 0..<vectors {
                var total: Float = 0
                for b in 0..<blocks {
                    let index = r &* blocks &+ b
                    let weights = (quants + index &* 32).assumingMemoryBound(to: Int8.self)
                    let activations = x.values + (v &* blocks &+ b) &* 32
                    var dot: Int32 = 0
                    for j in 0..<32 { dot &+= Int32(weights[j]) &* Int32(activations[j]) }
                    total += floatFromHalf(scales[index]) * x.scales[v &* blocks &+ b] * Float(dot)
                }
                out[v &* stride &+ r] = total
            }
        }
    }

    func multiplyFloat(
        _ x: UnsafePointer<Float>, vectors: Int, rows: Range<Int>, _ out: UnsafeMutablePointer<Float>, _ stride: Int
    ) {
        let weights = self.floatStorage
        let columns = self.columns
        for r in rows {
            let row = weights + r &* columns
            for v in 0..<vectors {
                out[v &* stride &+ r] = dotProduct(row, x + v &* columns, count: columns)
            }
        }
    }
}

/// A float dot product summed in eight lanes (vectorises; `.sum()` on SIMD types does not).
@inline(__always)
package func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>()
    var i = 0
    while i &+ 8 <= count {
        let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
        let y = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        lanes += x * y  // not addingProduct: without a CPU flag that is a libm call per lane
        i &+= 8
    }
    let half = lanes.lowHalf + lanes.highHalf
    let quarter = half.lowHalf + half.highHalf
    var total = quarter[0] + quarter[1]
    while i < count {
        total += a[i] * b[i]
        i &+= 1
    }
    return total
}
