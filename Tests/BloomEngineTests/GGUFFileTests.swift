import BloomTesting
import Foundation
import Testing

@testable import BloomEngine

@Suite("GGUF file")
struct GGUFFileTests {
    /// One value of every metadata type, arrays included (an array of arrays too).
    static let everyType: [(String, GGUFValue)] = [
        ("test.uint8", .uint8(200)), ("test.int8", .int8(-100)), ("test.uint16", .uint16(60_000)),
        ("test.int16", .int16(-30_000)), ("test.uint32", .uint32(4_000_000_000)),
        ("test.int32", .int32(-2_000_000_000)),
        ("test.float32", .float32(-1.5e-3)), ("test.bool", .bool(true)), ("test.string", .string("héllo ✓")),
        ("test.uint64", .uint64(1 << 60)), ("test.int64", .int64(-(1 << 60))),
        ("test.float64", .float64(2.718281828459045)),
        ("test.array", .array(.int32, [.int32(1), .int32(-2), .int32(3)])),
        ("test.strings", .array(.string, [.string("a"), .string(""), .string("ccc")])),
        ("test.nested", .array(.array, [.array(.uint8, [.uint8(1)]), .array(.uint8, [])])),
    ]

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("bloom-gguf-\(getpid())-\(name).gguf").path
    }

    /// Writes `bytes` to a temporary file and opens it.
    static func open(_ bytes: [UInt8], name: String) throws(GGUFError) -> GGUFFile {
        let path = Self.temporaryPath(name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try! Data(bytes).write(to: URL(fileURLWithPath: path))
        return try GGUFFile(path: path)
    }

    static func sampleWriter() -> GGUFWriter {
        var writer = GGUFWriter()
        for (key, value) in Self.everyType { writer.add(key, value) }
        writer.addTensor("first.weight", shape: [64, 2], type: .q8_0, values: (0..<128).map { Float($0) / 64 })
        writer.addTensor("second.weight", shape: [32, 3], type: .q4_1, values: (0..<96).map { Float($0) / 96 })
        return writer
    }

    @Test("a missing file is reported with its path")
    func missingFile() {
        #expect(throws: GGUFError.cannotOpen(path: "/nonexistent/model.gguf", reason: "No such file or directory")) {
            try GGUFFile(path: "/nonexistent/model.gguf")
        }
    }

    @Test("every metadata type reads back as written", arguments: [UInt32(2), 3])
    func metadataRoundTrip(version: UInt32) throws {
        var writer = Self.sampleWriter()
        writer.version = version
        let file = try Self.open(writer.encoded().bytes, name: "roundtrip-\(version)")
        #expect(file.version == version)
        for (key, value) in Self.everyType {
            #expect(file.metadata[key] == value, "\(key)")
        }
        #expect(file.metadata.count == Self.everyType.count)
    }

    @Test("tensors read back with their shapes, types and bytes, at any alignment", arguments: [32, 64, 256])
    func tensorRoundTrip(alignment: Int) throws {
        var writer = Self.sampleWriter()
        writer.alignment = alignment
        let file = try Self.open(writer.encoded().bytes, name: "tensors-\(alignment)")
        #expect(file.tensors.map(\.name) == ["first.weight", "second.weight"])
        for (written, read) in zip(writer.tensors, file.tensors) {
            #expect(read.shape == written.shape && read.type == written.type)
            #expect(Array(read.data) == written.bytes)
            #expect(Int(bitPattern: read.data.baseAddress!) % alignment == 0)
        }
    }

    @Test("a file cut short names the part being read")
    func truncated() throws {
        let encoded = Self.sampleWriter().encoded()
        let firstKey = Self.everyType[0].0
        let cuts: [(Int, String)] = [
            (10, "the header"),
            (24 + 3, "metadata key #0"),
            (24 + 8 + firstKey.utf8.count + 2, "the type of \(firstKey)"),
            (24 + 8 + firstKey.utf8.count + 4, "the value of \(firstKey)"),
            (encoded.tensorTableOffset + 4, "the name of tensor #0"),
            (encoded.tensorTableOffset + 8 + "first.weight".utf8.count + 6, "the shape of first.weight"),
        ]
        for (length, part) in cuts {
            do {
                _ = try Self.open(Array(encoded.bytes.prefix(length)), name: "cut-\(length)")
                Issue.record("a file cut at \(length) bytes opened")
            } catch {
                guard case .truncated(let reading, _) = error else {
                    Issue.record("cut at \(length): \(error)")
                    continue
                }
                #expect(reading == part, "cut at \(length)")
            }
        }
    }

    @Test("a file whose data is cut inside a tensor names that tensor")
    func tensorPastEnd() {
        let encoded = Self.sampleWriter().encoded()
        let cut = encoded.tensorOffsets[1] + 5
        #expect(throws: GGUFError.tensorOutOfBounds(tensor: "second.weight")) {
            try Self.open(Array(encoded.bytes.prefix(cut)), name: "tensor-cut")
        }
    }

    @Test("a file without the GGUF magic is rejected")
    func badMagic() {
        var bytes = Self.sampleWriter().encoded().bytes
        bytes[0] = UInt8(ascii: "X")
        #expect {
            try Self.open(bytes, name: "magic")
        } throws: { error in
            guard case .notGGUF = error as? GGUFError else { return false }
            return true
        }
    }

    @Test("versions other than 2 and 3 are rejected with the version found", arguments: [UInt32(1), 4])
    func unsupportedVersion(version: UInt32) {
        var writer = Self.sampleWriter()
        writer.version = version
        #expect(throws: GGUFError.unsupportedVersion(version)) {
            try Self.open(writer.encoded().bytes, name: "version-\(version)")
        }
    }
}
