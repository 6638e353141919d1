/// A parsed GGUF file: its metadata, its tensor table, and the mapped tensor data.
///
/// Follows the GGUF specification (ggml's docs/gguf.md) for versions 2 and 3: a header with
/// counts, typed key/value metadata, a tensor table of names, shapes, types and offsets, then
/// the tensor data from the next multiple of `general.alignment` (32 when absent).
package final class GGUFFile: Sendable {
    package let version: UInt32
    package let metadata: [String: GGUFValue]
    /// Tensors in file order.
    package let tensors: [GGUFTensor]
    package let file: MappedFile
    private let tensorIndex: [String: Int]

    package convenience init(path: String) throws(GGUFError) {
        try self.init(file: try MappedFile(path: path))
    }

    package init(file: MappedFile) throws(GGUFError) {
        var reader = GGUFReader(bytes: file.bytes)
        let magic = try reader.read(UInt32.self, "the header")
        guard magic == 0x4655_4747 else { throw .notGGUF(path: file.path) }
        let version = try reader.read(UInt32.self, "the header")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(version) }
        let tensorCount = try reader.read(UInt64.self, "the header")
        let keyCount = try reader.read(UInt64.self, "the header")

        var metadata: [String: GGUFValue] = [:]
        for index in 0..<keyCount {
            let key = try reader.readString("metadata key #\(index)")
            let tag = try reader.read(UInt32.self, "the type of \(key)")
            metadata[key] = try reader.readValue(type: tag, key: key)
        }

        var entries: [(name: String, shape: [Int], type: GGMLType, offset: Int)] = []
        for index in 0..<tensorCount {
            let name = try reader.readString("the name of tensor #\(index)")
            let dimensionCount = try reader.read(UInt32.self, "the shape of \(name)")
            guard (1...4).contains(dimensionCount) else {
                throw .invalidTensorShape(tensor: name, detail: "\(dimensionCount) dimensions; 1 to 4 expected")
            }
            var shape: [Int] = []
            for _ in 0..<dimensionCount {
                let extent = try reader.read(UInt64.self, "the shape of \(name)")
                guard extent > 0, extent < 1 << 40 else {
                    throw .invalidTensorShape(tensor: name, detail: "extent \(extent)")
                }
                shape.append(Int(extent))
            }
            let tag = try reader.read(UInt32.self, "the type of \(name)")
            guard let type = GGMLType(rawValue: tag) else { throw .unknownTensorType(tensor: name, type: tag) }
            let offset = try reader.read(UInt64.self, "the offset of \(name)")
            guard offset < UInt64(file.bytes.count) else { throw .tensorOutOfBounds(tensor: name) }
            entries.append((name, shape, type, Int(offset)))
        }

        let alignment = metadata[GGUFKey.alignment]?.integer ?? 32
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw .invalidHyperparameter(key: GGUFKey.alignment, detail: "\(alignment) is not a power of two")
        }
        let dataStart = (reader.offset + alignment - 1) / alignment * alignment

        var tensors: [GGUFTensor] = []
        for entry in entries {
            let elements = entry.shape.reduce(1, *)
            guard let byteCount = entry.type.byteCount(elements: elements), entry.shape[0] % entry.type.blockLength == 0
            else {
                throw .invalidTensorShape(
                    tensor: entry.name,
                    detail: "rows of \(entry.shape[0]) are not whole \(entry.type.name) blocks")
            }
            let start = dataStart + entry.offset
            guard entry.offset % alignment == 0, start + byteCount <= file.bytes.count else {
                throw .tensorOutOfBounds(tensor: entry.name)
            }
            let data = UnsafeRawBufferPointer(rebasing: file.bytes[start..<start + byteCount])
            tensors.append(GGUFTensor(name: entry.name, shape: entry.shape, type: entry.type, data: data))
        }

        self.version = version
        self.metadata = metadata
        self.tensors = tensors
        self.file = file
        self.tensorIndex = Dictionary(tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    package func tensor(named name: String) -> GGUFTensor? {
        self.tensorIndex[name].map { self.tensors[$0] }
    }

    package func requireTensor(_ name: String) throws(GGUFError) -> GGUFTensor {
        guard let tensor = self.tensor(named: name) else { throw .missingTensor(name) }
        return tensor
    }
}

/// One tensor's table entry and a view of its bytes in the mapping.
package struct GGUFTensor: @unchecked Sendable {
    package let name: String
    /// Extents, fastest-varying first (ggml's `ne`): `shape[0]` is the row length.
    package let shape: [Int]
    package let type: GGMLType
    package let data: UnsafeRawBufferPointer

    package var elementCount: Int { self.shape.reduce(1, *) }
    package var rowLength: Int { self.shape[0] }
    package var rowCount: Int { self.elementCount / self.shape[0] }
    package var rowByteCount: Int { self.rowLength / self.type.blockLength * self.type.blockByteCount }
}
