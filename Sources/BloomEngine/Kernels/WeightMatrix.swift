// swift-format-ignore-file: AlwaysUseLowerCamelCase
// (names follow ggml's format names: Q4_0, Q4_K, …)

import CKernels

/// A weight matrix (`rows` × `columns`, ggml's `ne0 = columns`) laid out for fast products.
///
/// Q4_0, Q4_1 and Q8_0 are re-laid out at load: each matrix's fp16 scales (and minimums) in their
/// own arrays and the quantised bytes contiguous per row, which measured faster than the file's
/// interleaved blocks (ENGINE-NOTES.md). Q4_K super-blocks get their packed 6-bit sub-scales
/// unpacked to bytes and their fp16 scales widened (`bloom_q4_K_block`); Q6_K keeps the file's
/// blocks. All five multiply 8-bit quantised activations.
///
/// F32 and F16 become floats at load and multiply float activations. F16 is converted rather
/// than given an F16C kernel: in the supported models only small tensors (if any) are F16, and a
/// float kernel keeps one code path; the cost is twice the memory for an F16 matrix.
package final class WeightMatrix: @unchecked Sendable {
    package let name: String
    package let rows: Int
    package let columns: Int
    package let format: Format

    package enum Format: Sendable {
        /// Q4_0 blocks × 8-bit activations.
        case q4_0
        /// Q4_1 blocks × 8-bit activations.
        case q4_1
        /// Q8_0 blocks × 8-bit activations.
        case q8_0
        /// Q4_K super-blocks (re-laid out) × 8-bit activations.
        case q4_K
        /// Q6_K super-blocks (file layout) × 8-bit activations.
        case q6_K
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
        case .q4_0, .q4_1, .q8_0:
            let hasMinimum = tensor.type == .q4_1
            let count = self.rows * self.blocks
            let quantBytes = tensor.type == .q8_0 ? 32 : 16
            let headerBytes = hasMinimum ? 4 : 2
            let scales = UnsafeMutablePointer<UInt16>.allocate(capacity: count)
            let mins: UnsafeMutablePointer<UInt16>? = hasMinimum ? .allocate(capacity: count) : nil
            let quants = UnsafeMutableRawPointer.allocate(byteCount: count * quantBytes, alignment: 64)
            let source = tensor.data.baseAddress!
            let blockBytes = tensor.type.blockByteCount
            for index in 0..<count {
                let block = source + index * blockBytes
                scales[index] = block.loadUnaligned(as: UInt16.self)
                mins?[index] = block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)
                (quants + index * quantBytes).copyMemory(from: block + headerBytes, byteCount: quantBytes)
            }
            self.format = tensor.type == .q4_0 ? .q4_0 : hasMinimum ? .q4_1 : .q8_0
            (self.scales, self.mins, self.quants, self.floats) = (scales, mins, quants, nil)
        case .q4_K:
            self.format = .q4_K
            (self.scales, self.mins, self.floats) = (nil, nil, nil)
            self.quants = Self.relayoutQ4_K(tensor)
        case .q6_K:
            let quants = UnsafeMutableRawPointer.allocate(byteCount: tensor.data.count, alignment: 64)
            quants.copyMemory(from: tensor.data.baseAddress!, byteCount: tensor.data.count)
            self.format = .q6_K
            (self.scales, self.mins, self.quants, self.floats) = (nil, nil, quants, nil)
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
        let (first, last) = (Int32(rows.lowerBound), Int32(rows.upperBound))
        switch (self.format, kernels) {
        case (.q4_1, .vnni):
            bloom_q4_1_rows_vnni(
                self.blockView, quantized.kernelView, Int32(vectors), first, last, output, outputStride)
        case (.q8_0, .vnni):
            bloom_q8_0_rows_vnni(
                self.blockView, quantized.kernelView, Int32(vectors), first, last, output, outputStride)
        case (_, .vnni):
            // Formats without a VNNI kernel use the AVX2 one, which the same CPUs run.
            self.multiply(
                quantized: quantized, floats: floats, vectors: vectors, rows: rows, into: output,
                outputStride: outputStride, kernels: .avx2)
        case (.q4_0, .avx2):
            bloom_q4_0_rows_avx2(
                self.blockView, quantized.kernelView, Int32(vectors), first, last, output, outputStride)
        case (.q4_K, .avx2):
            let matrix = bloom_q4_K_matrix(
                super_blocks: Int32(self.blocks / 8),
                blocks: self.quants!.assumingMemoryBound(to: bloom_q4_K_block.self))
            bloom_q4_K_rows_avx2(matrix, quantized.kernelView, Int32(vectors), first, last, output, outputStride)
        case (.q6_K, .avx2):
            let matrix = bloom_q6_K_matrix(
                super_blocks: Int32(self.blocks / 8), data: self.quants!.assumingMemoryBound(to: UInt8.self))
            bloom_q6_K_rows_avx2(matrix, quantized.kernelView, Int32(vectors), first, last, output, outputStride)
        case (.q4_0, .swift):
            self.multiplyQ4_0(quantized, vectors: vectors, rows: rows, output, outputStride)
        case (.q4_K, .swift):
            self.multiplyQ4_K(quantized, vectors: vectors, rows: rows, output, outputStride)
        case (.q6_K, .swift):
            self.multiplyQ6_K(quantized, vectors: vectors, rows: rows, output, outputStride)
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
        case .q4_0:
            for b in 0..<self.blocks {
                let index = index * self.blocks + b
                let d = floatFromHalf(self.scales![index])
                let quants = self.quants! + index * 16
                for j in 0..<32 { output[b * 32 + j] = d * Float(Int(Self.nibble(quants, j)) - 8) }
            }
        case .q4_K:
            self.rowQ4_K(index, into: output)
        case .q6_K:
            let rowBytes = self.blocks / 8 * GGMLType.q6_K.blockByteCount
            ReferenceDequantizer.dequantize(
                .q6_K, row: self.quants! + index * rowBytes, count: self.columns, into: output)
        case .q4_1, .q8_0:
            let quantBytes = self.format == .q4_1 ? 16 : 32
            for b in 0..<self.blocks {
                let index = index * self.blocks + b
                let d = floatFromHalf(self.scales![index])
                let m = self.mins.map { floatFromHalf($0[index]) } ?? 0
                let quants = self.quants! + index * quantBytes
                for j in 0..<32 {
                    output[b * 32 + j] =
                        self.format == .q4_1
                        ? d * Float(Self.nibble(quants, j)) + m
                        : d * Float(quants.load(fromByteOffset: j, as: Int8.self))
                }
            }
        }
    }

    /// Bytes per re-laid-out Q4_K super-block (`bloom_q4_K_block`): d, dmin, 8 scales, 8 mins, nibbles.
    static let q4_KBlockBytes = 152

    /// Q4_K blocks with fp16 scales widened and the packed 6-bit sub-scales unpacked to bytes.
    private static func relayoutQ4_K(_ tensor: GGUFTensor) -> UnsafeMutableRawPointer {
        precondition(MemoryLayout<bloom_q4_K_block>.stride == Self.q4_KBlockBytes, "bloom_q4_K_block changed size")
        let count = tensor.elementCount / 256
        let target = UnsafeMutableRawPointer.allocate(byteCount: count * Self.q4_KBlockBytes, alignment: 64)
        let source = tensor.data.baseAddress!
        for index in 0..<count {
            let block = source + index * 144
            let out = target + index * Self.q4_KBlockBytes
            out.storeBytes(of: floatFromHalf(block.loadUnaligned(as: UInt16.self)), as: Float.self)
            out.storeBytes(
                of: floatFromHalf(block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)), toByteOffset: 4,
                as: Float.self)
            let packed = (0..<12).map { block.load(fromByteOffset: 4 + $0, as: UInt8.self) }
            for j in 0..<8 {
                let (scale, minimum) = ReferenceDequantizer.scaleAndMinimum(packed, index: j)
                out.storeBytes(of: scale, toByteOffset: 8 + j, as: UInt8.self)
                out.storeBytes(of: minimum, toByteOffset: 16 + j, as: UInt8.self)
            }
            (out + 24).copyMemory(from: block + 16, byteCount: 128)
        }
        return target
    }

    private func rowQ4_K(_ index: Int, into output: UnsafeMutablePointer<Float>) {
        let supers = self.blocks / 8
        for s in 0..<supers {
            let block = UnsafeRawPointer(self.quants!) + (index * supers + s) * Self.q4_KBlockBytes
            let d = block.load(as: Float.self)
            let dmin = block.load(fromByteOffset: 4, as: Float.self)
            for j in 0..<8 {
                let factor = d * Float(block.load(fromByteOffset: 8 + j, as: UInt8.self))
                let offset = dmin * Float(block.load(fromByteOffset: 16 + j, as: UInt8.self))
                for l in 0..<32 {
                    let byte = block.load(fromByteOffset: 24 + (j / 2) * 32 + l, as: UInt8.self)
                    let q = j % 2 == 0 ? byte & 0x0F : byte >> 4
                    output[s * 256 + j * 32 + l] = factor * Float(q) - offset
                }
            }
        }
    }

    var storage: (UnsafeMutablePointer<UInt16>, UnsafeMutablePointer<UInt16>?, UnsafeMutableRawPointer) {
        (self.scales!, self.mins, self.quants!)
    }

    /// The K-quant blocks: `bloom_q4_K_block`s for Q4_K, the file's 210-byte blocks for Q6_K.
    var superBlockStorage: UnsafeRawPointer { UnsafeRawPointer(self.quants!) }

    var floatStorage: UnsafeMutablePointer<Float> { self.floats! }

    @inline(__always)
    static func nibble(_ quants: UnsafeRawPointer, _ j: Int) -> UInt8 {
        let byte = quants.load(fromByteOffset: j & 15, as: UInt8.self)
        return j < 16 ? byte & 0x0F : byte >> 4
    }
}
