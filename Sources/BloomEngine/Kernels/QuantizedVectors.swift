import CKernels
import Glibc

/// Activation vectors quantised to 8 bits in blocks of 32, the input the integer kernels take.
///
/// Quantising once per input vector (as llama.cpp does) costs under 1 % relative error and lets
/// every row product run on bytes. `sums` holds scale × Σq per block, which the minimum term of
/// Q4_1 products needs.
package final class QuantizedVectors: @unchecked Sendable {
    package let capacity: Int
    package let blocksPerVector: Int
    package let scales: UnsafeMutablePointer<Float>
    package let sums: UnsafeMutablePointer<Float>
    package let values: UnsafeMutablePointer<Int8>

    /// Space for `capacity` vectors of `columns` values (a multiple of 32).
    package init(capacity: Int, columns: Int) {
        precondition(columns % 32 == 0, "quantised vectors need whole blocks of 32, got \(columns) columns")
        self.capacity = capacity
        self.blocksPerVector = columns / 32
        let blocks = capacity * self.blocksPerVector
        self.scales = .allocate(capacity: blocks)
        self.sums = .allocate(capacity: blocks)
        self.values = UnsafeMutableRawPointer.allocate(byteCount: blocks * 32, alignment: 64)
            .bindMemory(to: Int8.self, capacity: blocks * 32)
    }

    deinit {
        self.scales.deallocate()
        self.sums.deallocate()
        UnsafeMutableRawPointer(self.values).deallocate()
    }

    var kernelView: bloom_q8_vectors {
        bloom_q8_vectors(scales: self.scales, sums: self.sums, values: self.values)
    }

    /// Quantises vectors `range` of `x` (rows of `blocksPerVector × 32` floats, `stride` apart).
    package func quantize(_ x: UnsafePointer<Float>, stride: Int, vectors range: Range<Int>, kernels: KernelSet) {
        let columns = self.blocksPerVector * 32
        for v in range {
            let source = x + v * stride
            let firstBlock = v * self.blocksPerVector
            switch kernels {
            case .avx2, .vnni: bloom_quantize_q8_avx2(source, Int32(columns), self.kernelView, Int32(firstBlock))
            case .swift: self.quantizeScalar(source, firstBlock: firstBlock)
            }
        }
    }

    private func quantizeScalar(_ source: UnsafePointer<Float>, firstBlock: Int) {
        for b in 0..<self.blocksPerVector {
            let block = source + b * 32
            var maximum: Float = 0
            for i in 0..<32 { maximum = max(maximum, abs(block[i])) }
            let scale = maximum / 127
            let inverse: Float = maximum == 0 ? 0 : 127 / maximum
            var total: Int32 = 0
            let out = self.values + (firstBlock + b) * 32
            for i in 0..<32 {
                let q = Int8((block[i] * inverse).rounded(.toNearestOrEven))
                out[i] = q
                total &+= Int32(q)
            }
            self.scales[firstBlock + b] = scale
            self.sums[firstBlock + b] = scale * Float(total)
        }
    }
}

/// Which kernels run: the C kernels for the best instruction set this CPU has, else the Swift ones.
package enum KernelSet: Sendable, CaseIterable {
    /// AVX-512 VNNI for the Q4_1 and Q8_0 row products; AVX2 for everything else.
    case vnni
    /// AVX2, FMA and F16C.
    case avx2
    /// Plain Swift: any CPU, and the reference the C kernels are tested against.
    case swift

    /// Whether this CPU can run the set.
    package var isAvailable: Bool {
        switch self {
        case .vnni: bloom_cpu_has_avx512_vnni() != 0
        case .avx2: bloom_cpu_has_avx2() != 0
        case .swift: true
        }
    }

    /// The best set this CPU supports; `BLOOM_KERNELS=swift|avx2|vnni` chooses a lower one.
    package static let best: KernelSet = {
        let forced = getenv("BLOOM_KERNELS").map { String(cString: $0) }
        let choices = Self.allCases.filter { $0.isAvailable }
        return choices.first { "\($0)" == forced } ?? choices[0]
    }()
}
