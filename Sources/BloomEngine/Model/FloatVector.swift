/// A heap array of floats with a stable address, for weights and scratch buffers that kernels
/// read through pointers (Swift arrays would add retain/release and bounds checks per call).
package final class FloatVector: @unchecked Sendable {
    package let count: Int
    package let pointer: UnsafeMutablePointer<Float>

    package init(count: Int) {
        self.count = count
        self.pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(count, 1))
        self.pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// A copy of a one-dimensional tensor, dequantised.
    package convenience init(tensor: GGUFTensor) throws(GGUFError) {
        guard tensor.type.isSupported else { throw .unsupportedTensorType(tensor: tensor.name, type: tensor.type) }
        self.init(count: tensor.elementCount)
        ReferenceDequantizer.dequantize(
            tensor.type, row: tensor.data.baseAddress!, count: tensor.elementCount, into: self.pointer)
    }

    deinit {
        UnsafeMutableRawPointer(self.pointer).deallocate()
    }

    package var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: self.pointer, count: self.count)
    }
}
