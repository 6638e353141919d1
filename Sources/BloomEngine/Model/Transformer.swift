import Glibc

/// The forward pass of a llama-family decoder over a batch of tokens, with its KV cache and
/// scratch buffers: one per generating conversation slot.
///
/// Follows llama2.c's `forward` step by step, batched for prefill: every matrix product takes
/// all the batch's vectors, so each weight row is read once per batch rather than per token.
package final class Transformer: @unchecked Sendable {
    package let model: Model
    package let cache: KVCache
    package let pool: WorkerPool
    package let kernels: KernelSet
    /// Most tokens one forward call processes; longer prompts go through in chunks.
    package let batchCapacity: Int
    /// Called with named intermediate tensors (`attn_norm`, `q`, `ffn_out`, …) when set, to diff a
    /// layer against a reference; nil in normal use.
    package var trace: ((_ name: String, _ layer: Int, _ values: UnsafeBufferPointer<Float>) -> Void)?

    let shape: Hyperparameters
    // (batch, dim) residual stream, normed copy, queries, attention output
    let x: FloatVector, normed: FloatVector, queries: FloatVector, attended: FloatVector
    // (batch, kvDim) keys and values before they go into the cache
    let keys: FloatVector, values: FloatVector
    // (batch, ffn) gate and up projections
    let gate: FloatVector, up: FloatVector
    // (vocab) logits of the last token of the batch
    let logits: FloatVector
    // (threads, contextCapacity) attention weights per worker
    let scores: FloatVector
    // (threads, headDim) the query being attended, rounded to fp16, per worker
    let roundedQueries: FloatVector
    // (ropeDim / 2) frequencies, as llama.cpp computes them
    let ropeFrequencies: [Float]
    let quantizedModel: QuantizedVectors
    let quantizedFeedForward: QuantizedVectors

    package init(model: Model, contextLength: Int, batchCapacity: Int = 64, threads: Int, kernels: KernelSet = .best) {
        let h = model.hyperparameters
        self.model = model
        self.shape = h
        self.kernels = kernels
        self.batchCapacity = batchCapacity
        self.pool = WorkerPool(threadCount: threads)
        self.cache = KVCache(layerCount: h.layerCount, capacity: contextLength, dimension: h.keyValueDimension)
        let dim = h.embeddingLength
        (self.x, self.normed) = (FloatVector(count: batchCapacity * dim), FloatVector(count: batchCapacity * dim))
        (self.queries, self.attended) = (
            FloatVector(count: batchCapacity * dim), FloatVector(count: batchCapacity * dim)
        )
        self.keys = FloatVector(count: batchCapacity * h.keyValueDimension)
        self.values = FloatVector(count: batchCapacity * h.keyValueDimension)
        self.gate = FloatVector(count: batchCapacity * h.feedForwardLength)
        self.up = FloatVector(count: batchCapacity * h.feedForwardLength)
        self.logits = FloatVector(count: h.vocabularySize)
        self.scores = FloatVector(count: self.pool.threadCount * contextLength)
        self.roundedQueries = FloatVector(count: self.pool.threadCount * h.headDimension)
        self.quantizedModel = QuantizedVectors(capacity: batchCapacity, columns: dim)
        self.quantizedFeedForward = QuantizedVectors(capacity: batchCapacity, columns: h.feedForwardLength)

        // θ_i = position × base^(−2i/d), by repeated multiplication in Float like ggml's rope.
        let scale = powf(h.ropeFrequencyBase, -2 / Float(h.ropeDimensionCount))
        var frequency: Float = 1
        var frequencies: [Float] = []
        for _ in 0..<h.ropeDimensionCount / 2 {
            frequencies.append(frequency)
            frequency *= scale
        }
        self.ropeFrequencies = frequencies
    }

    deinit {
        self.pool.shutdown()
    }

    package var contextCapacity: Int { self.cache.capacity }
    package var position: Int { self.cache.tokens.count }

    /// Forgets cached positions from `length` on (the start of a prompt that differs).
    package func truncate(to length: Int) {
        self.cache.tokens.removeSubrange(min(length, self.cache.tokens.count)...)
    }

    /// Runs `tokens` at the next cache positions and returns the last token's logits.
    ///
    /// The buffer is the transformer's own and is overwritten by the next call: copy what must
    /// outlive it, and keep the transformer alive while reading it.
    ///
    /// - Precondition: the tokens fit in the context left.
    package func forward(_ tokens: some Collection<Int32>) -> UnsafeBufferPointer<Float> {
        precondition(self.position + tokens.count <= self.contextCapacity, "context of \(self.contextCapacity) full")
        var rest = tokens[...]
        while !rest.isEmpty {
            let chunk = rest.prefix(self.batchCapacity)
            self.forwardBatch(Array(chunk), computeLogits: chunk.count == rest.count)
            rest = rest.dropFirst(chunk.count)
        }
        return UnsafeBufferPointer(self.logits.buffer)
    }

    private func forwardBatch(_ tokens: [Int32], computeLogits: Bool) {
        let n = tokens.count
        let dim = self.shape.embeddingLength
        let start = self.position

        // Token embeddings into the residual stream.
        for (t, token) in tokens.enumerated() {
            self.model.weights.tokenEmbedding.row(Int(token), into: self.x.pointer + t * dim)
        }
        self.cache.tokens.append(contentsOf: tokens)

        for (index, layer) in self.model.weights.layers.enumerated() {
            self.attentionBlock(layer, index: index, count: n, start: start)
            self.feedForwardBlock(layer, index: index, count: n)
        }
        guard computeLogits else { return }

        // Final norm and the output projection, for the last token only.
        let last = self.x.pointer + (n - 1) * dim
        rmsNorm(
            last, weight: self.model.weights.outputNorm.pointer, count: dim, epsilon: self.shape.rmsEpsilon,
            into: self.normed.pointer)
        self.project(self.normed.pointer, count: 1, [(self.model.weights.output, self.logits.pointer)])
        self.emit("result_output", -1, self.logits.pointer, self.shape.vocabularySize)
    }

    func emit(_ name: String, _ layer: Int, _ values: UnsafePointer<Float>, _ count: Int) {
        guard let trace = self.trace else { return }
        trace(name, layer, UnsafeBufferPointer(start: values, count: count))
    }
}
