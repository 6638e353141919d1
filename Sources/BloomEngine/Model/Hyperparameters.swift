/// The shape of a transformer, read from `{architecture}.*` metadata keys.
package struct Hyperparameters: Sendable, Equatable {
    package var architecture: String
    /// Longest context the model was trained for.
    package var trainedContextLength: Int
    package var embeddingLength: Int
    package var layerCount: Int
    package var feedForwardLength: Int
    package var headCount: Int
    package var keyValueHeadCount: Int
    package var rmsEpsilon: Float
    package var ropeFrequencyBase: Float
    /// Leading dimensions of each head that RoPE rotates (all of them for the supported models).
    package var ropeDimensionCount: Int
    package var vocabularySize: Int

    package var headDimension: Int { self.embeddingLength / self.headCount }
    package var keyValueDimension: Int { self.headDimension * self.keyValueHeadCount }

    package init(file: GGUFFile, architecture: String) throws(GGUFError) {
        let arch = architecture
        self.architecture = arch
        self.trainedContextLength = try file.requireInteger(GGUFKey.contextLength(arch))
        self.embeddingLength = try file.requireInteger(GGUFKey.embeddingLength(arch))
        self.layerCount = try file.requireInteger(GGUFKey.blockCount(arch))
        self.feedForwardLength = try file.requireInteger(GGUFKey.feedForwardLength(arch))
        self.headCount = try file.requireInteger(GGUFKey.headCount(arch))
        self.keyValueHeadCount = try file.integer(GGUFKey.headCountKV(arch)) ?? self.headCount
        self.rmsEpsilon = Float(try file.number(GGUFKey.rmsEpsilon(arch)) ?? 1e-5)
        self.ropeFrequencyBase = Float(try file.number(GGUFKey.ropeFrequencyBase(arch)) ?? 10_000)
        let headDimension = self.headCount > 0 ? self.embeddingLength / self.headCount : 0
        self.ropeDimensionCount = try file.integer(GGUFKey.ropeDimensionCount(arch)) ?? headDimension
        let tokenCount = file.metadata[GGUFKey.tokens]?.array?.count
        self.vocabularySize = try file.integer(GGUFKey.vocabularySize(arch)) ?? tokenCount ?? 0
        try self.validate()
    }

    private func validate() throws(GGUFError) {
        let arch = self.architecture
        func require(_ condition: Bool, _ key: String, _ detail: String) throws(GGUFError) {
            if !condition { throw .invalidHyperparameter(key: key, detail: detail) }
        }
        try require(self.layerCount > 0, GGUFKey.blockCount(arch), "must be positive")
        try require(self.headCount > 0, GGUFKey.headCount(arch), "must be positive")
        try require(
            self.embeddingLength > 0 && self.embeddingLength % self.headCount == 0, GGUFKey.embeddingLength(arch),
            "\(self.embeddingLength) is not a positive multiple of the head count \(self.headCount)")
        try require(
            self.keyValueHeadCount > 0 && self.headCount % self.keyValueHeadCount == 0, GGUFKey.headCountKV(arch),
            "\(self.keyValueHeadCount) does not divide the head count \(self.headCount)")
        try require(
            self.ropeDimensionCount > 0 && self.ropeDimensionCount <= self.headDimension
                && self.ropeDimensionCount % 2 == 0, GGUFKey.ropeDimensionCount(arch),
            "\(self.ropeDimensionCount) must be even and at most the head dimension \(self.headDimension)")
        try require(self.vocabularySize > 0, GGUFKey.vocabularySize(arch), "must be positive")
        try require(self.feedForwardLength > 0, GGUFKey.feedForwardLength(arch), "must be positive")
    }
}
