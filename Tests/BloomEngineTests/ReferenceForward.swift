import Foundation

@testable import BloomEngine

/// A deliberately plain forward pass for the tests: one token at a time, every weight dequantised
/// to floats by the reference dequantiser, float activations, a float KV cache and RoPE angles
/// computed in double precision. It shares no code with `Transformer` beyond the dequantiser.
final class ReferenceForward {
    let file: GGUFFile
    let h: Hyperparameters
    let neox: Bool
    var keys: [[[Float]]]  // (layer, position, kvDim)
    var values: [[[Float]]]

    init(path: String) throws {
        self.file = try GGUFFile(path: path)
        let arch = try self.file.requireString(GGUFKey.architecture)
        self.h = try Hyperparameters(file: self.file, architecture: arch)
        self.neox = arch == "qwen2"
        self.keys = Array(repeating: [], count: self.h.layerCount)
        self.values = Array(repeating: [], count: self.h.layerCount)
    }

    func matrix(_ name: String) -> (rows: Int, columns: Int, values: [Float]) {
        let tensor = self.file.tensor(named: name)!
        var values = [Float](repeating: 0, count: tensor.elementCount)
        values.withUnsafeMutableBufferPointer { out in
            for row in 0..<tensor.rowCount {
                ReferenceDequantizer.dequantize(
                    tensor.type, row: tensor.data.baseAddress! + row * tensor.rowByteCount, count: tensor.rowLength,
                    into: out.baseAddress! + row * tensor.rowLength)
            }
        }
        return (tensor.rowCount, tensor.rowLength, values)
    }

    func vector(_ name: String) -> [Float]? {
        self.file.tensor(named: name) == nil ? nil : self.matrix(name).values
    }

    func multiply(_ name: String, _ x: [Float]) -> [Float] {
        let m = self.matrix(name)
        return (0..<m.rows).map { r in (0..<m.columns).reduce(Float(0)) { $0 + m.values[r * m.columns + $1] * x[$1] } }
    }

    func norm(_ x: [Float], _ name: String) -> [Float] {
        let weight = self.vector(name)!
        let mean = x.reduce(0) { $0 + $1 * $1 } / Float(x.count)
        let scale = 1 / (mean + self.h.rmsEpsilon).squareRoot()
        return x.indices.map { x[$0] * scale * weight[$0] }
    }

    func rotate(_ x: inout [Float], heads: Int, position: Int) {
        let d = self.h.headDimension
        let pairs = self.h.ropeDimensionCount / 2
        for head in 0..<heads {
            for i in 0..<pairs {
                let theta = Double(position) * pow(Double(self.h.ropeFrequencyBase), -2 * Double(i) / Double(2 * pairs))
                let (a, b) = self.neox ? (head * d + i, head * d + i + pairs) : (head * d + 2 * i, head * d + 2 * i + 1)
                let (x0, x1) = (Double(x[a]), Double(x[b]))
                x[a] = Float(x0 * cos(theta) - x1 * sin(theta))
                x[b] = Float(x0 * sin(theta) + x1 * cos(theta))
            }
        }
    }

    func add(_ a: [Float], _ b: [Float]?) -> [Float] {
        guard let b else { return a }
        return a.indices.map { a[$0] + b[$0] }
    }

    /// The logits after feeding `token` at the next position.
    func step(_ token: Int32) -> [Float] {
        let position = self.keys[0].count
        let embedding = self.matrix(TensorName.tokenEmbedding)
        var x = Array(embedding.values[Int(token) * embedding.columns..<(Int(token) + 1) * embedding.columns])
        let d = self.h.headDimension
        let group = self.h.headCount / self.h.keyValueHeadCount

        for layer in 0..<self.h.layerCount {
            let normed = self.norm(x, TensorName.attentionNorm(layer))
            var q = self.add(self.multiply(TensorName.query(layer), normed), self.vector(TensorName.queryBias(layer)))
            var k = self.add(self.multiply(TensorName.key(layer), normed), self.vector(TensorName.keyBias(layer)))
            let v = self.add(self.multiply(TensorName.value(layer), normed), self.vector(TensorName.valueBias(layer)))
            self.rotate(&q, heads: self.h.headCount, position: position)
            self.rotate(&k, heads: self.h.keyValueHeadCount, position: position)
            self.keys[layer].append(k)
            self.values[layer].append(v)

            var attended = [Float](repeating: 0, count: self.h.embeddingLength)
            for head in 0..<self.h.headCount {
                let offset = head / group * d
                let scores = (0...position).map { p in
                    (0..<d).reduce(Float(0)) { $0 + q[head * d + $1] * self.keys[layer][p][offset + $1] }
                        / Float(d).squareRoot()
                }
                let top = scores.max()!
                let exps = scores.map { exp($0 - top) }
                let total = exps.reduce(0, +)
                for p in 0...position {
                    for i in 0..<d { attended[head * d + i] += exps[p] / total * self.values[layer][p][offset + i] }
                }
            }
            x = self.add(x, self.multiply(TensorName.attentionOutput(layer), attended))

            let normed2 = self.norm(x, TensorName.feedForwardNorm(layer))
            let gate = self.multiply(TensorName.gate(layer), normed2)
            let up = self.multiply(TensorName.up(layer), normed2)
            let hidden = gate.indices.map { gate[$0] / (1 + exp(-gate[$0])) * up[$0] }
            x = self.add(x, self.multiply(TensorName.down(layer), hidden))
        }
        let output = self.file.tensor(named: TensorName.output) == nil ? TensorName.tokenEmbedding : TensorName.output
        return self.multiply(output, self.norm(x, TensorName.outputNorm))
    }
}
