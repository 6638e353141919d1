import BloomCore
import BloomEngine
import Foundation

/// Whether an embedded model can answer, without running it: ready when it is in memory, or
/// when its file is there and reads as a GGUF file (the header and metadata only; the file
/// is mapped, not read whole).
enum EmbeddedModelProbe {
    static func probe(_ model: CatalogueModel, models: EmbeddedModels) -> ModelStatus {
        let start = MonotonicClock.now()
        var status = Self.judge(model, models: models)
        status.latencyMilliseconds =
            (MonotonicClock.milliseconds(from: start, to: MonotonicClock.now()) * 100).rounded() / 100
        return status
    }

    private static func judge(_ model: CatalogueModel, models: EmbeddedModels) -> ModelStatus {
        guard let path = model.endpoints.first else { return ModelStatus(state: .misconfigured, detail: "no file") }
        switch models.state(of: path) {
        case .idle, .busy: return ModelStatus(state: .ready, detail: "\(path) (loaded)")
        case .loading: return ModelStatus(state: .loading, detail: "\(path) is loading")
        case .unloaded: break
        }
        guard FileManager.default.fileExists(atPath: path) else {
            return ModelStatus(state: .misconfigured, detail: EmbeddedModelHost.missingFile(path).message)
        }
        do {
            _ = try GGUFFile(path: path)
            return ModelStatus(state: .ready, detail: "\(path) (not loaded)")
        } catch {
            return ModelStatus(state: .misconfigured, detail: "\(path) is not a usable GGUF file: \(error)")
        }
    }
}
