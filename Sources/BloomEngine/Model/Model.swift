/// A loaded model: its shape, architecture, weights and tokenizer metadata source.
///
/// Loading copies every weight out of the file mapping into kernel layouts, then tells the
/// kernel the mapped pages are no longer needed, so resident memory is the weights once.
package final class Model: Sendable {
    package let path: String
    package let file: GGUFFile
    package let hyperparameters: Hyperparameters
    package let architecture: any Architecture.Type
    package let weights: ModelWeights

    package init(path: String) throws(GGUFError) {
        let file = try GGUFFile(path: path)
        let name = try file.requireString(GGUFKey.architecture)
        let architecture = try Architectures.named(name)
        let hyperparameters = try Hyperparameters(file: file, architecture: name)
        self.path = path
        self.file = file
        self.architecture = architecture
        self.hyperparameters = hyperparameters
        self.weights = try ModelWeights(file: file, hyperparameters: hyperparameters, architecture: architecture)
        file.file.releaseResidentPages()
    }
}
