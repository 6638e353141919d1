import Foundation
import Testing

@testable import BloomEngine

@Suite("ScratchPerf", .serialized, .enabled(if: ProcessInfo.processInfo.environment["SCRATCH"] != nil))
struct ScratchPerf {
    @Test(arguments: [KernelSet.vnni, .avx2, .vnni, .avx2])
    func decode(_ kernels: KernelSet) throws {
        let model = try RealModel.model.get().model
        let tr = Transformer(model: model, contextLength: 1024, threads: 2, kernels: kernels)
        let prompt = [Int32](repeating: 28, count: 54)
        let clock = ContinuousClock()
        _ = tr.forward(prompt)
        for _ in 0..<16 { _ = tr.forward(CollectionOfOne(Int32(100))) }
        tr.truncate(to: 0)
        var t0 = clock.now
        _ = tr.forward(prompt)
        let prefill = clock.now - t0
        t0 = clock.now
        for _ in 0..<128 { _ = tr.forward(CollectionOfOne(Int32(100))) }
        let d = clock.now - t0
        let s = Double(d.components.attoseconds) / 1e18 + Double(d.components.seconds)
        let p = Double(prefill.components.attoseconds) / 1e18 + Double(prefill.components.seconds)
        print("PERF \(kernels) prefill \(54 / p) decode \(128 / s)")
    }
}
