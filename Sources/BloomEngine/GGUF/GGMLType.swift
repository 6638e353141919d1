// swift-format-ignore-file: AlwaysUseLowerCamelCase
// The cases keep ggml's format names (q4_0, q4_K), which every GGUF tool and document uses.

/// The element formats a GGUF tensor can be stored in (ggml's `ggml_type` numbering).
///
/// Every format the file format defines is listed so that any file's tensor table can be read
/// and sized; `isSupported` says which ones the engine can compute with.
package enum GGMLType: UInt32, Sendable, CaseIterable {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case i8 = 24
    case i16 = 25
    case i32 = 26
    case i64 = 27
    case f64 = 28
    case bf16 = 30

    /// Elements per block: 1 for plain formats, 32 for the simple quantisations, 256 for K-quants.
    package var blockLength: Int {
        switch self {
        case .f32, .f16, .bf16, .i8, .i16, .i32, .i64, .f64: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1: 32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K: 256
        }
    }

    /// Bytes per block, as laid out in the file.
    package var blockByteCount: Int {
        switch self {
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8: 1
        case .i64, .f64: 8
        case .q4_0: 18  // f16 scale + 16 bytes of nibbles
        case .q4_1: 20  // f16 scale, f16 minimum + 16 bytes of nibbles
        case .q5_0: 22
        case .q5_1: 24
        case .q8_0: 34  // f16 scale + 32 signed bytes
        case .q8_1: 36
        case .q2_K: 84
        case .q3_K: 110
        case .q4_K: 144  // f16 scale, f16 minimum, 12 bytes of 6-bit sub-scales, 128 bytes of nibbles
        case .q5_K: 176
        case .q6_K: 210  // 128 low nibbles, 64 high pairs, 16 sub-scales, f16 scale
        case .q8_K: 292
        }
    }

    /// Whether the engine has kernels for this format.
    package var isSupported: Bool {
        switch self {
        case .f32, .f16, .q4_0, .q4_1, .q8_0, .q4_K, .q6_K: true
        default: false
        }
    }

    /// The name llama.cpp prints for the format, used in messages.
    package var name: String {
        String(describing: self).uppercased()
    }

    /// Bytes taken by `elementCount` elements; the count must be a whole number of blocks.
    package func byteCount(elements elementCount: Int) -> Int? {
        guard elementCount % self.blockLength == 0 else { return nil }
        return elementCount / self.blockLength * self.blockByteCount
    }
}
