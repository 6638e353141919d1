import CKernels

/// Half-precision conversions and the two attention products over the fp16 KV cache, with the
/// F16C kernels on CPUs that have them and plain Swift otherwise.
package enum HalfKernels {
    @inline(__always)
    package static func round(
        _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<UInt16>, count: Int, _ kernels: KernelSet
    ) {
        switch kernels {
        case .avx2, .vnni: bloom_to_half_avx2(x, out, Int32(count))
        case .swift: for i in 0..<count { out[i] = halfFromFloat(x[i]) }
        }
    }

    /// out[i] = x[i] rounded to fp16 and back.
    @inline(__always)
    package static func roundThrough(
        _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int, _ kernels: KernelSet
    ) {
        switch kernels {
        case .avx2, .vnni: bloom_round_through_half_avx2(x, out, Int32(count))
        case .swift: for i in 0..<count { out[i] = floatFromHalf(halfFromFloat(x[i])) }
        }
    }

    /// Σ k[i] × q[i] with k in fp16.
    @inline(__always)
    package static func dot(_ k: UnsafePointer<UInt16>, _ q: UnsafePointer<Float>, count: Int, _ kernels: KernelSet)
        -> Float
    {
        switch kernels {
        case .avx2, .vnni:
            return bloom_dot_half_avx2(k, q, Int32(count))
        case .swift:
            var total: Float = 0
            for i in 0..<count { total += floatFromHalf(k[i]) * q[i] }
            return total
        }
    }

    /// out[i] += weight × v[i] with v in fp16.
    @inline(__always)
    package static func addScaled(
        _ weight: Float, _ v: UnsafePointer<UInt16>, into out: UnsafeMutablePointer<Float>, count: Int,
        _ kernels: KernelSet
    ) {
        switch kernels {
        case .avx2, .vnni: bloom_add_scaled_half_avx2(weight, v, out, Int32(count))
        case .swift: for i in 0..<count { out[i] += weight * floatFromHalf(v[i]) }
        }
    }
}
