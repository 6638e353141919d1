import Glibc

extension Transformer {
    /// Pre-norm self-attention with RoPE and grouped-query heads, added to the residual stream.
    func attentionBlock(_ layer: LayerWeights, index: Int, count n: Int, start: Int) {
        let dim = self.shape.embeddingLength
        let kvDim = self.shape.keyValueDimension

        // Normalise each token's residual vector.
        for t in 0..<n {
            rmsNorm(
                self.x.pointer + t * dim, weight: layer.attentionNorm.pointer, count: dim,
                epsilon: self.shape.rmsEpsilon, into: self.normed.pointer + t * dim)
        }
        self.emit("attn_norm", index, self.normed.pointer, n * dim)

        // Queries, keys and values in one parallel region (they share the quantised input).
        self.project(
            self.normed.pointer, count: n,
            [
                (layer.query, self.queries.pointer), (layer.key, self.keys.pointer), (layer.value, self.values.pointer),
            ])
        for t in 0..<n {
            if let bias = layer.queryBias { add(bias.pointer, into: self.queries.pointer + t * dim, count: dim) }
            if let bias = layer.keyBias { add(bias.pointer, into: self.keys.pointer + t * kvDim, count: kvDim) }
            if let bias = layer.valueBias { add(bias.pointer, into: self.values.pointer + t * kvDim, count: kvDim) }
        }

        // Rotate queries and keys by position, then store keys and values in the fp16 cache.
        for t in 0..<n {
            let position = start + t
            self.rotate(self.queries.pointer + t * dim, heads: self.shape.headCount, position: position)
            self.rotate(self.keys.pointer + t * kvDim, heads: self.shape.keyValueHeadCount, position: position)
            let key = self.cache.key(layer: index, position: position)
            HalfKernels.round(self.keys.pointer + t * kvDim, into: key, count: kvDim, self.kernels)
            let value = self.cache.value(layer: index, position: position)
            HalfKernels.round(self.values.pointer + t * kvDim, into: value, count: kvDim, self.kernels)
        }
        self.emit("q", index, self.queries.pointer, n * dim)

        // Each token's heads attend over all positions up to its own.
        self.attend(layer: index, count: n, start: start)
        self.emit("kqv_out", index, self.attended.pointer, n * dim)

        // Output projection, added to the residual stream.
        self.project(self.attended.pointer, count: n, [(layer.attentionOutput, self.normed.pointer)])
        add(self.normed.pointer, into: self.x.pointer, count: n * dim)
    }

    /// Pre-norm SwiGLU feed-forward network, added to the residual stream.
    func feedForwardBlock(_ layer: LayerWeights, index: Int, count n: Int) {
        let dim = self.shape.embeddingLength
        let hidden = self.shape.feedForwardLength

        // Normalise.
        for t in 0..<n {
            rmsNorm(
                self.x.pointer + t * dim, weight: layer.feedForwardNorm.pointer, count: dim,
                epsilon: self.shape.rmsEpsilon, into: self.normed.pointer + t * dim)
        }
        // Gate and up projections in one region; each worker then applies SiLU(gate) × up to the
        // rows it computed, so the activation runs in parallel too.
        let (gate, up) = (self.gate.pointer, self.up.pointer)
        self.project(self.normed.pointer, count: n, [(layer.gate, gate), (layer.up, up)]) { rows in
            for t in 0..<n {
                for i in rows {
                    let index = t &* hidden &+ i
                    let g = gate[index]
                    gate[index] = g / (1 + expf(-g)) * up[index]
                }
            }
        }

        // Down projection, added to the residual stream.
        self.project(
            self.gate.pointer, count: n, [(layer.down, self.normed.pointer)], quantized: self.quantizedFeedForward)
        add(self.normed.pointer, into: self.x.pointer, count: n * dim)
        self.emit("ffn_out", index, self.x.pointer, n * dim)
    }

    /// Multiplies `count` input vectors by each matrix (all with the same columns) in one
    /// parallel region; each output is (count, matrix.rows). `finish`, when given, runs on each
    /// worker afterwards with the rows it computed (the same slice of every matrix of equal height).
    func project(
        _ input: UnsafeMutablePointer<Float>, count: Int, _ products: [(WeightMatrix, UnsafeMutablePointer<Float>)],
        quantized: QuantizedVectors? = nil, then finish: ((Range<Int>) -> Void)? = nil
    ) {
        let quantized = quantized ?? self.quantizedModel
        let columns = products[0].0.columns
        if products.contains(where: { $0.0.takesQuantizedInput }) {
            quantized.quantize(input, stride: columns, vectors: 0..<count, kernels: self.kernels)
        }
        let pool = self.pool
        let kernels = self.kernels
        pool.run { worker in
            for (matrix, output) in products {
                // Slices of 16 rows keep each worker's output writes on its own cache lines.
                let rows = pool.slice(of: matrix.rows, worker: worker, granule: 16)
                matrix.multiply(
                    quantized: quantized, floats: input, vectors: count, rows: rows, into: output,
                    outputStride: matrix.rows, kernels: kernels)
            }
            finish?(pool.slice(of: products[0].0.rows, worker: worker, granule: 16))
        }
    }

    /// Applies rotary position embedding to `heads` consecutive heads of one token.
    func rotate(_ vector: UnsafeMutablePointer<Float>, heads: Int, position: Int) {
        let headDimension = self.shape.headDimension
        let pairs = self.ropeFrequencies.count
        let neox = self.model.architecture.ropeStyle == .neox
        for (i, frequency) in self.ropeFrequencies.enumerated() {
            let theta = Float(position) * frequency
            let (cosine, sine) = (cosf(theta), sinf(theta))
            for head in 0..<heads {
                let base = vector + head * headDimension
                let (a, b) = neox ? (i, i + pairs) : (2 * i, 2 * i + 1)
                let (x0, x1) = (base[a], base[b])
                base[a] = x0 * cosine - x1 * sine
                base[b] = x0 * sine + x1 * cosine
            }
        }
    }
}

/// x / √(mean(x²) + ε) × weight.
func rmsNorm(
    _ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, count: Int, epsilon: Float,
    into output: UnsafeMutablePointer<Float>
) {
    let meanSquare = dotProduct(x, x, count: count) / Float(count)
    let scale = 1 / sqrtf(meanSquare + epsilon)
    for i in 0..<count { output[i] = x[i] * scale * weight[i] }
}

/// output += values.
func add(_ values: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { output[i] += values[i] }
}
