import BloomTesting
import Foundation
import Testing

@testable import BloomEngine

/// One format's rows from `Fixtures/quant-blocks.json`, written by bench/engine/make_quant_fixtures.py
/// with gguf-py (an independent numpy implementation of ggml's block formats).
private struct QuantFixture: Decodable, Sendable, CustomTestStringConvertible {
    let type: String
    let rows: Int
    let columns: Int
    let bytes: [String]
    let values: [[Float]]
    let source: [[Float]]?

    var format: GGMLType { GGMLType.allCases.first { $0.name == self.type }! }
    var testDescription: String { self.type }

    static let all: [QuantFixture] = {
        struct File: Decodable { let formats: [QuantFixture] }
        let url = Bundle.module.url(forResource: "quant-blocks", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).formats
    }()
}

private func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

@Suite("Reference quantisers and dequantisers")
struct QuantReferenceTests {
    /// Bitwise: ours and gguf-py do the same float32 operations in the same order.
    @Test("the reference dequantiser matches gguf-py bit for bit", arguments: QuantFixture.all)
    fileprivate func dequantizerMatchesGGUFPy(_ fixture: QuantFixture) {
        for row in 0..<fixture.rows {
            let raw = bytes(hex: fixture.bytes[row])
            #expect(raw.count == fixture.format.byteCount(elements: fixture.columns))
            var output = [Float](repeating: .nan, count: fixture.columns)
            raw.withUnsafeBytes { source in
                output.withUnsafeMutableBufferPointer {
                    ReferenceDequantizer.dequantize(
                        fixture.format, row: source.baseAddress!, count: fixture.columns, into: $0.baseAddress!)
                }
            }
            let mismatches = (0..<fixture.columns).filter {
                output[$0].bitPattern != fixture.values[row][$0].bitPattern
            }
            #expect(mismatches.isEmpty, "\(fixture.type) row \(row): first differing values at \(mismatches.prefix(4))")
        }
    }

    /// Q4_0, Q4_1 and Q8_0 follow ggml's `quantize_row_*_ref`, as does gguf-py: same bytes exactly.
    @Test(
        "the reference quantiser writes the same bytes as gguf-py",
        arguments: QuantFixture.all.filter { $0.source != nil })
    fileprivate func quantizerMatchesGGUFPy(_ fixture: QuantFixture) {
        for row in 0..<fixture.rows {
            let ours = ReferenceQuantizer.quantize(fixture.format, fixture.source![row])
            let theirs = bytes(hex: fixture.bytes[row])
            let first = zip(ours, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(ours == theirs, "\(fixture.type) row \(row): first differing byte at \(String(describing: first))")
        }
    }

    /// The stated bound of the one-pass K-quant quantisers: every weight within half its sub-block's
    /// step, and each step no coarser than (span + dmin)/15 + d (Q4_K) or max|x|/31 + d (Q6_K).
    @Test("K-quant reference quantisers keep every weight within half a step", arguments: [GGMLType.q4_K, .q6_K])
    func kQuantErrorBound(_ format: GGMLType) {
        var random = SeededGenerator(seed: 7)
        let values = (0..<1024).map { i in random.nextFloat(in: -1...1) * (i < 512 ? 0.02 : 3) + (i < 256 ? 0.5 : 0) }
        let raw = ReferenceQuantizer.quantize(format, values)
        var output = [Float](repeating: .nan, count: values.count)
        raw.withUnsafeBytes { source in
            output.withUnsafeMutableBufferPointer {
                ReferenceDequantizer.dequantize(
                    format, row: source.baseAddress!, count: values.count, into: $0.baseAddress!)
            }
        }
        let subBlock = format == .q4_K ? 32 : 16
        for start in stride(from: 0, to: values.count, by: subBlock) {
            let (step, limit) = Self.step(format, raw, values, start: start)
            #expect(step <= limit * 1.0001, "\(format.name) weights \(start)…: step \(step) above \(limit)")
            for i in start..<start + subBlock {
                #expect(abs(values[i] - output[i]) <= step / 2 * 1.0001 + 1e-7, "\(format.name) weight \(i)")
            }
        }
    }

    /// The sub-block's step d·sc read back from the bytes, and the coarsest step the quantiser allows.
    private static func step(_ format: GGMLType, _ raw: [UInt8], _ x: [Float], start: Int) -> (Float, Float) {
        let block = start / 256
        let half = { (offset: Int) in floatFromHalf(UInt16(raw[offset]) | UInt16(raw[offset + 1]) << 8) }
        let slice = x[start..<start + (format == .q4_K ? 32 : 16)]
        if format == .q4_K {
            let base = block * 144
            let (d, dmin) = (half(base), half(base + 2))
            let (scale, _) = ReferenceDequantizer.scaleAndMinimum(
                Array(raw[base + 4..<base + 16]), index: start % 256 / 32)
            let span = max(slice.max()!, 0) - min(slice.min()!, 0)
            return (d * Float(scale), (span + dmin) / 15 + d)
        }
        let base = block * 210
        let d = half(base + 208)
        let scale = Int8(bitPattern: raw[base + 192 + start % 256 / 16])
        return (d * Float(scale), slice.map(abs).max()! / 31 + d)
    }

    @Test(
        "an all-zero block quantises to zeros in every format", arguments: [GGMLType.q4_0, .q4_1, .q8_0, .q4_K, .q6_K])
    func zeroBlock(_ format: GGMLType) {
        let raw = ReferenceQuantizer.quantize(format, [Float](repeating: 0, count: 256))
        var output = [Float](repeating: .nan, count: 256)
        raw.withUnsafeBytes { source in
            output.withUnsafeMutableBufferPointer {
                ReferenceDequantizer.dequantize(format, row: source.baseAddress!, count: 256, into: $0.baseAddress!)
            }
        }
        #expect(output.allSatisfy { $0 == 0 })
    }
}

extension SeededGenerator {
    mutating func nextFloat(in range: ClosedRange<Float>) -> Float {
        Float.random(in: range, using: &self)
    }
}
