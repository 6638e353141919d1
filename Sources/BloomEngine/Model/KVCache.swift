/// Keys and values of every processed position, per layer, in half precision.
///
/// Half precision halves the cache's memory and matches llama.cpp's default cache type, which
/// keeps our logits closest to its (rounding keys, values and queries to fp16 moved the first
/// divergence of a greedy SmolLM2 run from step 8 to step 20).
///
/// Allocated for the whole context up front but touched only as positions fill, so resident
/// memory grows with the conversation rather than with the context size.
package final class KVCache: @unchecked Sendable {
    package let layerCount: Int
    package let capacity: Int
    package let dimension: Int
    // (layers, capacity, dimension)
    package let keys: UnsafeMutablePointer<UInt16>
    // (layers, capacity, dimension)
    package let values: UnsafeMutablePointer<UInt16>
    /// Tokens whose keys and values are stored, in order; the prefix another prompt can reuse.
    package var tokens: [Int32] = []

    package init(layerCount: Int, capacity: Int, dimension: Int) {
        (self.layerCount, self.capacity, self.dimension) = (layerCount, capacity, dimension)
        let count = layerCount * capacity * dimension
        self.keys = UnsafeMutableRawPointer.allocate(byteCount: count * 2, alignment: 64)
            .bindMemory(to: UInt16.self, capacity: count)
        self.values = UnsafeMutableRawPointer.allocate(byteCount: count * 2, alignment: 64)
            .bindMemory(to: UInt16.self, capacity: count)
    }

    deinit {
        UnsafeMutableRawPointer(self.keys).deallocate()
        UnsafeMutableRawPointer(self.values).deallocate()
    }

    @inline(__always)
    package func key(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        self.keys + (layer &* self.capacity &+ position) &* self.dimension
    }

    @inline(__always)
    package func value(layer: Int, position: Int) -> UnsafeMutablePointer<UInt16> {
        self.values + (layer &* self.capacity &+ position) &* self.dimension
    }

    /// How many leading tokens of `prompt` are already stored.
    package func sharedPrefixLength(with prompt: [Int32]) -> Int {
        var length = 0
        while length < min(self.tokens.count, prompt.count), self.tokens[length] == prompt[length] { length += 1 }
        return length
    }
}
