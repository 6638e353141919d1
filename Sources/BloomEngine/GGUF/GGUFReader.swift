/// A bounds-checked little-endian cursor over the header part of a GGUF file.
struct GGUFReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ part: @autoclosure () -> String) throws(GGUFError) -> T {
        let size = MemoryLayout<T>.size
        guard self.offset + size <= self.bytes.count else { throw .truncated(reading: part(), offset: self.offset) }
        let value = self.bytes.loadUnaligned(fromByteOffset: self.offset, as: T.self)
        self.offset += size
        return T(littleEndian: value)
    }

    mutating func readString(_ part: @autoclosure () -> String) throws(GGUFError) -> String {
        let length = try self.read(UInt64.self, part())
        guard length <= UInt64(self.bytes.count - self.offset) else {
            throw .truncated(reading: part(), offset: self.offset)
        }
        let slice = UnsafeRawBufferPointer(rebasing: self.bytes[self.offset..<self.offset + Int(length)])
        self.offset += Int(length)
        guard let text = String(validating: slice.bindMemory(to: UInt8.self), as: UTF8.self) else {
            throw .invalidString(reading: part())
        }
        return text
    }

    mutating func readValue(type tag: UInt32, key: String) throws(GGUFError) -> GGUFValue {
        guard let type = GGUFValueType(rawValue: tag) else { throw .invalidValueType(key: key, type: tag) }
        let part = "the value of \(key)"
        switch type {
        case .uint8: return .uint8(try self.read(UInt8.self, part))
        case .int8: return .int8(try self.read(Int8.self, part))
        case .uint16: return .uint16(try self.read(UInt16.self, part))
        case .int16: return .int16(try self.read(Int16.self, part))
        case .uint32: return .uint32(try self.read(UInt32.self, part))
        case .int32: return .int32(try self.read(Int32.self, part))
        case .float32: return .float32(Float(bitPattern: try self.read(UInt32.self, part)))
        case .bool: return .bool(try self.read(UInt8.self, part) != 0)
        case .string: return .string(try self.readString(part))
        case .uint64: return .uint64(try self.read(UInt64.self, part))
        case .int64: return .int64(try self.read(Int64.self, part))
        case .float64: return .float64(Double(bitPattern: try self.read(UInt64.self, part)))
        case .array: return try self.readArray(key: key)
        }
    }

    private mutating func readArray(key: String) throws(GGUFError) -> GGUFValue {
        let elementTag = try self.read(UInt32.self, "the element type of \(key)")
        guard let elementType = GGUFValueType(rawValue: elementTag) else {
            throw .invalidValueType(key: key, type: elementTag)
        }
        let count = try self.read(UInt64.self, "the length of \(key)")
        // Every element takes at least one byte, so a count past the file's end is a truncation.
        guard count <= UInt64(self.bytes.count - self.offset) else {
            throw .truncated(reading: "the elements of \(key)", offset: self.offset)
        }
        var values: [GGUFValue] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count {
            values.append(try self.readValue(type: elementTag, key: key))
        }
        return .array(elementType, values)
    }
}
