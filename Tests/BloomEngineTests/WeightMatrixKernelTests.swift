import BloomTesting
import CKernels
import Testing

@testable import BloomEngine

/// Kernels against `reference dequantise + dot` in double precision on the same quantised input.
///
/// With identical 8-bit activations the kernels differ from the reference only in float summation
/// order (and the order scales are multiplied), so they must agree to `kernelTolerance` relative to
/// Σ|w·x̂|. Against the unquantised activations the extra error is bounded, not estimated: rounding
/// moves every activation by at most half its block's step (max|x|/127)/2, so the product moves by
/// at most Σ|w|·step/2 — about 0.3–0.8 % relative in practice.
@Suite("Weight matrix kernels")
struct WeightMatrixKernelTests {
    /// Float summation-order error over a few hundred terms, with a margin (measured ~1e-6).
    static let kernelTolerance = 1e-5
    static let quantizedFormats: [GGMLType] = [.q4_0, .q4_1, .q8_0, .q4_K, .q6_K]

    /// A rows × columns matrix of random weights stored as `format`, and the floats it dequantises to.
    static func matrix(_ format: GGMLType, rows: Int, columns: Int, seed: UInt64) throws -> (WeightMatrix, [Float]) {
        var random = SeededGenerator(seed: seed)
        let values = (0..<rows * columns).map { _ in random.nextFloat(in: -1...1) * random.nextFloat(in: 0.01...2) }
        let bytes = ReferenceQuantizer.quantize(format, values)
        var weights = [Float](repeating: 0, count: values.count)
        let matrix = try bytes.withUnsafeBytes { raw in
            weights.withUnsafeMutableBufferPointer {
                ReferenceDequantizer.dequantize(
                    format, row: raw.baseAddress!, count: values.count, into: $0.baseAddress!)
            }
            let tensor = GGUFTensor(name: "test.weight", shape: [columns, rows], type: format, data: raw)
            return try WeightMatrix(tensor: tensor)
        }
        return (matrix, weights)
    }

    static var kernelSets: [KernelSet] { KernelSet.allCases.filter(\.isAvailable) }

    @Test(
        "every quantised kernel matches the reference dot product on rows not starting at 0",
        arguments: Self.quantizedFormats, [1, 7])
    func quantizedKernels(_ format: GGMLType, vectors: Int) throws {
        let (rows, columns) = (13, format.blockLength == 256 ? 512 : 320)  // 320: 8 blocks and a tail of 2
        let (matrix, weights) = try Self.matrix(format, rows: rows, columns: columns, seed: 11)
        #expect(matrix.takesQuantizedInput)
        var random = SeededGenerator(seed: 5)
        let x = (0..<vectors * columns).map { _ in random.nextFloat(in: -3...3) }
        let quantized = QuantizedVectors(capacity: vectors, columns: columns)
        x.withUnsafeBufferPointer {
            quantized.quantize($0.baseAddress!, stride: columns, vectors: 0..<vectors, kernels: .swift)
        }
        let dequantized = (0..<vectors * columns).map { Float(quantized.values[$0]) * quantized.scales[$0 / 32] }

        var results: [[Float]] = []
        for kernels in Self.kernelSets {
            let rowRange = 3..<rows
            var output = [Float](repeating: .nan, count: vectors * rows)
            x.withUnsafeBufferPointer { floats in
                output.withUnsafeMutableBufferPointer {
                    matrix.multiply(
                        quantized: quantized, floats: floats.baseAddress!, vectors: vectors, rows: rowRange,
                        into: $0.baseAddress!, outputStride: rows, kernels: kernels)
                }
            }
            for v in 0..<vectors {
                for r in 0..<rows where !rowRange.contains(r) {
                    #expect(output[v * rows + r].isNaN, "\(kernels) wrote row \(r) outside \(rowRange)")
                }
                for r in rowRange {
                    let w = weights[r * columns..<(r + 1) * columns]
                    let got = Double(output[v * rows + r])
                    let (same, sameScale) = Self.dot(w, dequantized[v * columns..<(v + 1) * columns])
                    #expect(
                        abs(got - same) <= Self.kernelTolerance * sameScale, "\(format.name) \(kernels) r\(r) v\(v)")
                    let (exact, _) = Self.dot(w, x[v * columns..<(v + 1) * columns])
                    let bound = Self.activationErrorBound(w, x[v * columns..<(v + 1) * columns])
                    #expect(abs(got - exact) <= bound * 1.001 + Self.kernelTolerance * sameScale)
                }
            }
            results.append(output)
        }
        if results.count == 2 {
            let scale = results[1].filter { !$0.isNaN }.map { Double(abs($0)) }.max() ?? 1
            let worst = zip(results[0], results[1]).filter { !$0.0.isNaN }.map { Double(abs($0.0 - $0.1)) }.max() ?? 0
            #expect(worst <= Self.kernelTolerance * max(scale, 1), "C and Swift kernels differ by \(worst)")
        }
    }

    @Test("float matrices (F32, F16) multiply float inputs", arguments: [GGMLType.f32, .f16], [1, 7])
    func floatKernels(_ format: GGMLType, vectors: Int) throws {
        let (rows, columns) = (9, 72)
        let (matrix, weights) = try Self.matrix(format, rows: rows, columns: columns, seed: 3)
        #expect(!matrix.takesQuantizedInput)
        var random = SeededGenerator(seed: 9)
        let x = (0..<vectors * columns).map { _ in random.nextFloat(in: -3...3) }
        var output = [Float](repeating: .nan, count: vectors * rows)
        let unused = QuantizedVectors(capacity: 1, columns: 32)
        x.withUnsafeBufferPointer { floats in
            output.withUnsafeMutableBufferPointer {
                matrix.multiply(
                    quantized: unused, floats: floats.baseAddress!, vectors: vectors, rows: 2..<rows,
                    into: $0.baseAddress!, outputStride: rows, kernels: .best)
            }
        }
        for v in 0..<vectors {
            #expect(output[v * rows].isNaN && output[v * rows + 1].isNaN)
            for r in 2..<rows {
                let (exact, scale) = Self.dot(
                    weights[r * columns..<(r + 1) * columns], x[v * columns..<(v + 1) * columns])
                #expect(abs(Double(output[v * rows + r]) - exact) <= Self.kernelTolerance * scale)
            }
        }
    }

    @Test("a row read back equals the reference dequantiser", arguments: Self.quantizedFormats + [.f16])
    func rowLookup(_ format: GGMLType) throws {
        let columns = format.blockLength == 256 ? 512 : 96
        let (matrix, weights) = try Self.matrix(format, rows: 4, columns: columns, seed: 21)
        var row = [Float](repeating: .nan, count: columns)
        row.withUnsafeMutableBufferPointer { matrix.row(2, into: $0.baseAddress!) }
        #expect(row == Array(weights[2 * columns..<3 * columns]))
    }

    /// The dot product in double precision, and Σ|w·x| as the scale for relative tolerances.
    static func dot(_ w: ArraySlice<Float>, _ x: ArraySlice<Float>) -> (Double, Double) {
        var (total, magnitude) = (0.0, 0.0)
        for (a, b) in zip(w, x) {
            total += Double(a) * Double(b)
            magnitude += abs(Double(a) * Double(b))
        }
        return (total, max(magnitude, 1e-30))
    }

    /// Σ over blocks of Σ|w| · (max|x| / 127) / 2: the most 8-bit activation rounding can move a product.
    static func activationErrorBound(_ w: ArraySlice<Float>, _ x: ArraySlice<Float>) -> Double {
        let (w, x) = (Array(w), Array(x))
        var bound = 0.0
        for start in stride(from: 0, to: x.count, by: 32) {
            let step = Double(x[start..<start + 32].map(abs).max()!) / 127
            bound += w[start..<start + 32].reduce(0.0) { $0 + abs(Double($1)) } * step / 2
        }
        return bound
    }
}
