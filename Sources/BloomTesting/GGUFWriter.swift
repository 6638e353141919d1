package import BloomEngine
import Foundation

/// Writes GGUF files for tests: version 3 (or 2), metadata of every value type, and tensors in any
/// supported format, quantised from floats by `ReferenceQuantizer`.
///
/// The layout follows the GGUF specification (ggml's docs/gguf.md): header, metadata, tensor table,
/// then tensor data from the next multiple of the alignment, each tensor starting on a multiple of it.
package struct GGUFWriter {
    package var version: UInt32 = 3
    /// Written as `general.alignment` when it is not the default 32.
    package var alignment = 32
    package private(set) var metadata: [(key: String, value: GGUFValue)] = []
    package private(set) var tensors: [(name: String, shape: [Int], type: GGMLType, bytes: [UInt8])] = []

    /// The encoded file and where its parts start, for tests that cut or corrupt it.
    package struct Encoded {
        package var bytes: [UInt8]
        package var tensorTableOffset: Int
        package var dataOffset: Int
        /// Where each tensor's bytes start, in `tensors` order.
        package var tensorOffsets: [Int]
    }

    package init() {}

    package mutating func add(_ key: String, _ value: GGUFValue) {
        self.metadata.append((key, value))
    }

    /// Adds a tensor (`shape` fastest-varying first, as ggml's `ne`) stored as `type`.
    package mutating func addTensor(_ name: String, shape: [Int], type: GGMLType, values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "\(name): \(values.count) values for shape \(shape)")
        self.addTensor(name, shape: shape, type: type, bytes: ReferenceQuantizer.quantize(type, values))
    }

    /// Adds a tensor from bytes already in `type`'s layout (no check beyond the size).
    package mutating func addTensor(_ name: String, shape: [Int], type: GGMLType, bytes: [UInt8]) {
        precondition(type.byteCount(elements: shape.reduce(1, *)) == bytes.count, "\(name): wrong byte count")
        self.tensors.append((name, shape, type, bytes))
    }

    package func encoded() -> Encoded {
        var out: [UInt8] = []
        var metadata = self.metadata
        if self.alignment != 32, !metadata.contains(where: { $0.key == GGUFKey.alignment }) {
            metadata.append((GGUFKey.alignment, .uint32(UInt32(self.alignment))))
        }
        Self.append(UInt32(0x4655_4747), to: &out)
        Self.append(self.version, to: &out)
        Self.append(UInt64(self.tensors.count), to: &out)
        Self.append(UInt64(metadata.count), to: &out)
        for (key, value) in metadata {
            Self.append(string: key, to: &out)
            Self.append(value.type.rawValue, to: &out)
            Self.append(value: value, to: &out)
        }

        let tableOffset = out.count
        var offsets: [Int] = []
        var next = 0
        for tensor in self.tensors {
            offsets.append(next)
            next = Self.aligned(next + tensor.bytes.count, self.alignment)
        }
        for (tensor, offset) in zip(self.tensors, offsets) {
            Self.append(string: tensor.name, to: &out)
            Self.append(UInt32(tensor.shape.count), to: &out)
            for extent in tensor.shape { Self.append(UInt64(extent), to: &out) }
            Self.append(tensor.type.rawValue, to: &out)
            Self.append(UInt64(offset), to: &out)
        }

        let dataOffset = Self.aligned(out.count, self.alignment)
        out += [UInt8](repeating: 0, count: dataOffset - out.count)
        for (tensor, offset) in zip(self.tensors, offsets) {
            out += [UInt8](repeating: 0, count: dataOffset + offset - out.count)
            out += tensor.bytes
        }
        return Encoded(
            bytes: out, tensorTableOffset: tableOffset, dataOffset: dataOffset,
            tensorOffsets: offsets.map { dataOffset + $0 })
    }

    package func write(to path: String) throws {
        try Data(self.encoded().bytes).write(to: URL(fileURLWithPath: path))
    }

    private static func aligned(_ offset: Int, _ alignment: Int) -> Int {
        (offset + alignment - 1) / alignment * alignment
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    private static func append(string: String, to out: inout [UInt8]) {
        self.append(UInt64(string.utf8.count), to: &out)
        out += string.utf8
    }

    private static func append(value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): self.append(v, to: &out)
        case .int8(let v): self.append(v, to: &out)
        case .uint16(let v): self.append(v, to: &out)
        case .int16(let v): self.append(v, to: &out)
        case .uint32(let v): self.append(v, to: &out)
        case .int32(let v): self.append(v, to: &out)
        case .float32(let v): self.append(v.bitPattern, to: &out)
        case .bool(let v): self.append(UInt8(v ? 1 : 0), to: &out)
        case .string(let v): self.append(string: v, to: &out)
        case .uint64(let v): self.append(v, to: &out)
        case .int64(let v): self.append(v, to: &out)
        case .float64(let v): self.append(v.bitPattern, to: &out)
        case .array(let elementType, let values):
            self.append(elementType.rawValue, to: &out)
            self.append(UInt64(values.count), to: &out)
            for element in values {
                precondition(element.type == elementType, "array of \(elementType) holds a \(element.type)")
                self.append(value: element, to: &out)
            }
        }
    }
}
