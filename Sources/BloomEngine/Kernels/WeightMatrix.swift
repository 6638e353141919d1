import CKernels

/// A weight matrix (`rows` × `columns`, ggml's `ne0 = columns`) laid out for fast products.
///
/// Q4_1 and Q8_0 are re-laid out at load: each matrix's fp16 scales (and minimums) in their own
/// arrays and the quantised bytes contiguous per row, which measured faster than the file's
/// interleaved blocks (ENGINE-NOTES.md). Other formats are dequantised to floats at load.
package final class WeightMatrix: @unchecked Sendable {
    package let name: String
    package let rows: Int
    package let columns: Int
    package let format: Format

    package enum Format: Sendable {
        /// Q4_1 blocks × 8-bit activations.
        case q4_1
        /// Q8_0 blocks × 8-bit activations.
        case q8_0
        /// Plain floats × float activations.
        case float
    }

    private let blocks: Int
    private let scales: UnsafeMutablePointer<UInt16>?
    private let mins: UnsafeMutablePointer<UInt16>?
    private let quants: UnsafeMutableRawPointer?
    private let floats: UnsafeMutablePointer<Float>?

    /// Whether products take quantised activations (else float vectors).
    package var takesQuantizedInput: Bool { self.format != .float }

    package init(tensor: GGUFTensor) throws(GGUFError) {
        guard tensor.type.isSupported else { throw .unsupportedTensorType(tensor: tensor.name, type: tensor.type) }
        guard tensor.shape.count <= 2 else {
            throw .invalidTensorShape(tensor: tensor.name, detail: "a matrix has 2 dimensions, found \(tensor.shape)")
        }
        self.name = tensor.name
        self.columns = tensor.rowLength
        self.rows = tensor.rowCount
        self.blocks = tensor.rowLength / 32

        switch tensor.type {
        case .q4_1, .q8_0:
            let isQ4 = tensor.type == .q4_1
            let count = self.rows * self.blocks
            let quantBytes = isQ4 ? 16 : 32
            let scales = UnsafeMutablePointer<UInt16>.allocate(capacity: count)
            let mins: UnsafeMutablePointer<UInt16>? = isQ4 ? .allocate(capacity: count) : nil
            let quants = UnsafeMutableRawPointer.allocate(byteCount: count * quantBytes, alignment: 64)
            let source = tensor.data.baseAddress!
            let blockBytes = tensor.type.blockByteCount
            for index in 0..<count {
                let block = source + index * blockBytes
                scales[index] = block.loadUnaligned(as: UInt16.self)
                mins?[index] = block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)
                (quants + index * quantBytes).copyMemory(from: block + (isQ4 ? 4 : 2), byteCount: quantBytes)
            }
            self.format = isQ4 ? .q4_1 : .q8_0
            (self.scales, self.mins, self.quants, self.floats) = (scales, mins, quants, nil)
        default:
            let floats = UnsafeMutablePointer<Float>.allocate(capacity: self.rows * self.columns)
            for row in 0..<self.rows {
                let source = tensor.data.baseAddress! + row * tensor.rowByteCount
                ReferenceDequantizer.dequantize(
                    tensor.type, row: source, count: self.columns, into: floats + row * self.columns)
            }
            self.format = .float
            (self.scales, self.mins, self.quants, self.floats) = (nil, nil, nil, floats)
        }
    }

    deinit {
        self.scales?.deallocate()
        self.mins?.deallocate()
        self.quants?.deallocate()
        self.floats?.deallocate()
    }

    private var blockView: bloom_block_matrix {
        bloom_block_matrix(
            blocks: Int32(self.blocks), scales: self.scales, mins: self.mins,
            quants: self.quants?.assumingMemoryBound(to: UInt8.self))
    }

    /// `output[v * outputStride + r] = row r · input vector v` for `rows` and `vectors` inputs.
    ///
    /// Quantised formats read `quantized`; the float format reads `floats` (vectors `columns` apart).
    package func multiply(
        quantized: QuantizedVectors, floats: UnsafePointer<Float>, vectors: Int, rows: Range<Int>,
        into output: UnsafeMutablePointer<Float>, outputStride: Int, kernels: KernelSet
    ) {
        guard !rows.isEmpty else { return }
        switch (self.format, kernels) {
        case (.q4_1, .avx2):
            bloom_q4_1_rows_avx2(
                self.blockView, quantized.kernelView, Int32(vectors), Int32(rows.lowerBound),
                Int32(rows.upperBound), output, outputStride)
        case (.q8_0, .avx2):
            bloom_q8_0_rows_avx2(
                self.blockView, quantized.kernelView, Int32(vectors), Int32(rows.lowerBound),
                Int32(rows.upperBound), output, outputStride)
        case (.q4_1, .swift):
            self.multiplyQ4_1(quantized, vectors: vectors, rows: rows, output, outputStride)
        case (.q8_0, .swift):
            self.multiplyQ8_0(quantized, vectors: vectors, rows: rows, output, outputStride)
        case (.float, _):
            self.multiplyFloat(floats, vectors: vectors, rows: rows, output, outputStride)
        }
    }

    /// Row `index` as floats (embedding look-up).
    package func row(_ index: Int, into output: UnsafeMutablePointer<Float>) {
        switch self.format {
        case .float:
            output.update(from: self.floats! + index * self.columns, count: self.columns)
        case .q4_1, .q8_0:
            let quantBytes = self.format == .q4_1 ? 16 : 32
            for b in 0..<self.blocks {
                let index = index * self.blocks + b
                let d = floatFromHalf(self.scales![index])
                let m = self.mins.map { floatFromHalf($0[index]) } ?? 0
                let quants = self.quants! + index * quantBytes
                for j in 0..<32 {
                    output[b * 32 + j] = self.format == .q4_1 ? d * Float(Self.nibble(quants, j)) + m
                        : d * Float(quants.load(fromByteOffset: j, as: Int8.self))
                }
            }
        }
    }

    var storage: (UnsafeMutablePointer<UInt16>, UnsafeMutablePointer<UInt16>?, UnsafeMutableRawPointer) {
        (self.scales!, self.mins, self.quants!)
    }

    var floatStorage: UnsafeMutablePointer<Float> { self.floats! }

    @inline(__always)
    static func nibble(_ quants: UnsafeRawPointer, _ j: Int) -> UInt8 {
        let byte = quants.load(fromByteOffset: j & 15, as: UInt8.self)
        return j < 16 ? byte & 0x0F : byte >> 4
    }
}
