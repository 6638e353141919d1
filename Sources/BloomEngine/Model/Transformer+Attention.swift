import Glibc

extension Transformer {
    /// Scaled dot-product attention with a causal mask, parallel over (token, head) pairs.
    ///
    /// Query head h reads key/value head h / (heads / kvHeads): grouped-query attention. Queries
    /// are rounded to fp16 first, as llama.cpp does when it multiplies them by its fp16 cache.
    func attend(layer: Int, count n: Int, start: Int) {
        let heads = self.shape.headCount
        let headDimension = self.shape.headDimension
        let dim = self.shape.embeddingLength
        let group = heads / self.shape.keyValueHeadCount
        let scale = 1 / sqrtf(Float(headDimension))
        let (cache, pool, kernels) = (self.cache, self.pool, self.kernels)
        let (queries, attended) = (self.queries.pointer, self.attended.pointer)
        let (scores, roundedQueries) = (self.scores.pointer, self.roundedQueries.pointer)
        let capacity = self.contextCapacity

        pool.run { worker in
            let weights = scores + worker * capacity
            let query = roundedQueries + worker * headDimension
            for unit in pool.slice(of: n * heads, worker: worker) {
                let (t, head) = (unit / heads, unit % heads)
                HalfKernels.roundThrough(
                    queries + t * dim + head * headDimension, into: query, count: headDimension, kernels)
                let kvOffset = head / group * headDimension
                let length = start + t + 1

                // Scores against every visible position.
                var maximum = -Float.infinity
                for p in 0..<length {
                    let key = cache.key(layer: layer, position: p) + kvOffset
                    let s = HalfKernels.dot(key, query, count: headDimension, kernels) * scale
                    weights[p] = s
                    maximum = max(maximum, s)
                }

                // Softmax.
                var total: Float = 0
                for p in 0..<length {
                    let e = expf(weights[p] - maximum)
                    weights[p] = e
                    total += e
                }

                // Weighted sum of the values, with the weights rounded to fp16 as llama.cpp's
                // fp16 product rounds them.
                let inverse = 1 / total
                for p in 0..<length { weights[p] *= inverse }
                HalfKernels.roundThrough(weights, into: weights, count: length, kernels)
                let output = attended + t * dim + head * headDimension
                output.initialize(repeating: 0, count: headDimension)
                for p in 0..<length {
                    let value = cache.value(layer: layer, position: p) + kvOffset
                    HalfKernels.addScaled(weights[p], value, into: output, count: headDimension, kernels)
                }
            }
        }
    }
}
