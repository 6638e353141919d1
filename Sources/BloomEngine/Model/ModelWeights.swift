/// All weights of a model, copied out of the mapping into the layouts the kernels want.
package final class ModelWeights: Sendable {
    package let tokenEmbedding: WeightMatrix
    package let layers: [LayerWeights]
    package let outputNorm: FloatVector
    /// The output projection; the token embedding itself when the model ties them.
    package let output: WeightMatrix

    package init(file: GGUFFile, hyperparameters: Hyperparameters, architecture: any Architecture.Type)
        throws(GGUFError)
    {
        let embedding = try WeightMatrix(tensor: try file.requireTensor(TensorName.tokenEmbedding))
        file.file.releaseResidentPages()
        try Self.expect(
            embedding, TensorName.tokenEmbedding, rows: hyperparameters.vocabularySize,
            columns: hyperparameters.embeddingLength)
        self.tokenEmbedding = embedding

        var layers: [LayerWeights] = []
        for index in 0..<hyperparameters.layerCount {
            layers.append(try LayerWeights(file: file, layer: index, hyperparameters, architecture))
            // Drop the mapped pages just copied, so that the file and its copy are never both
            // resident: peak memory during a load stays near the final size.
            file.file.releaseResidentPages()
        }
        self.layers = layers
        self.outputNorm = try Self.vector(file, TensorName.outputNorm, count: hyperparameters.embeddingLength)
        if let separate = file.tensor(named: TensorName.output) {
            let output = try WeightMatrix(tensor: separate)
            try Self.expect(
                output, TensorName.output, rows: hyperparameters.vocabularySize,
                columns: hyperparameters.embeddingLength)
            self.output = output
        } else {
            self.output = embedding
        }
    }

    static func vector(_ file: GGUFFile, _ name: String, count: Int) throws(GGUFError) -> FloatVector {
        let tensor = try file.requireTensor(name)
        guard tensor.elementCount == count else {
            throw .invalidTensorShape(tensor: name, detail: "\(tensor.elementCount) elements, expected \(count)")
        }
        return try FloatVector(tensor: tensor)
    }

    static func expect(_ matrix: WeightMatrix, _ name: String, rows: Int, columns: Int) throws(GGUFError) {
        guard matrix.rows == rows, matrix.columns == columns else {
            throw .invalidTensorShape(
                tensor: name, detail: "\(matrix.columns)×\(matrix.rows), expected \(columns)×\(rows)")
        }
    }
}

/// One decoder block's weights.
package struct LayerWeights: Sendable {
    package let attentionNorm: FloatVector
    package let query: WeightMatrix
    package let key: WeightMatrix
    package let value: WeightMatrix
    /// Present only for architectures with attention biases (Qwen2).
    package let queryBias: FloatVector?
    package let keyBias: FloatVector?
    package let valueBias: FloatVector?
    package let attentionOutput: WeightMatrix
    package let feedForwardNorm: FloatVector
    package let gate: WeightMatrix
    package let up: WeightMatrix
    package let down: WeightMatrix

    init(file: GGUFFile, layer i: Int, _ h: Hyperparameters, _ architecture: any Architecture.Type)
        throws(GGUFError)
    {
        let dim = h.embeddingLength
        let kvDim = h.keyValueDimension
        func matrix(_ name: String, rows: Int, columns: Int) throws(GGUFError) -> WeightMatrix {
            let matrix = try WeightMatrix(tensor: try file.requireTensor(name))
            try ModelWeights.expect(matrix, name, rows: rows, columns: columns)
            return matrix
        }
        self.attentionNorm = try ModelWeights.vector(file, TensorName.attentionNorm(i), count: dim)
        self.query = try matrix(TensorName.query(i), rows: dim, columns: dim)
        self.key = try matrix(TensorName.key(i), rows: kvDim, columns: dim)
        self.value = try matrix(TensorName.value(i), rows: kvDim, columns: dim)
        if architecture.hasAttentionBias {
            self.queryBias = try ModelWeights.vector(file, TensorName.queryBias(i), count: dim)
            self.keyBias = try ModelWeights.vector(file, TensorName.keyBias(i), count: kvDim)
            self.valueBias = try ModelWeights.vector(file, TensorName.valueBias(i), count: kvDim)
        } else {
            (self.queryBias, self.keyBias, self.valueBias) = (nil, nil, nil)
        }
        self.attentionOutput = try matrix(TensorName.attentionOutput(i), rows: dim, columns: dim)
        self.feedForwardNorm = try ModelWeights.vector(file, TensorName.feedForwardNorm(i), count: dim)
        self.gate = try matrix(TensorName.gate(i), rows: h.feedForwardLength, columns: dim)
        self.up = try matrix(TensorName.up(i), rows: h.feedForwardLength, columns: dim)
        self.down = try matrix(TensorName.down(i), rows: dim, columns: h.feedForwardLength)
    }
}
