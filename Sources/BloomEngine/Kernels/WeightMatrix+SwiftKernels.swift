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
                    let block = quants + index &* 16
                    let activations = x.values + (v &* blocks &+ b) &* 32
                    var dot: Int32 = 0
                    for j in 0..<16 {
                        let byte = block.load(fromByteOffset: j, as: UInt8.self)
                        dot &+= Int32(byte & 0x0F) &* Int32(activations[j])
                        dot &+= Int32(byte >> 4) &* Int32(activations[j &+ 16])
                    }
                    let xb = v &* blocks &+ b
                    total += floatFromHalf(scales[index]) * x.scales[xb] * Float(dot)
                    total += floatFromHalf(mins![index]) * x.sums[xb]
                }
                out[v &* stride &+ r] = total
            }
        }
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
