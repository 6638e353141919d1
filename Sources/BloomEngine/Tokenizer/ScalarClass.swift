/// The character classes the pre-tokenizer rules test: `\p{L}`, `\p{N}`, `\s`, and whether a
/// scalar is assigned at all (llama.cpp treats unassigned scalars as matching no class).
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt8

    static let letter = ScalarClass(rawValue: 1)
    static let number = ScalarClass(rawValue: 2)
    static let whitespace = ScalarClass(rawValue: 4)
    /// Any general category but Cn (unassigned) and Cs (surrogate).
    static let assigned = ScalarClass(rawValue: 8)
    /// Set for every scalar inside the piece being scanned; the empty class stands for "past the
    /// end of the piece", which matches nothing.
    static let present = ScalarClass(rawValue: 16)

    static let wordlike: ScalarClass = [.letter, .number, .whitespace]

    /// The class of one scalar value. The Basic Multilingual Plane is looked up in a table built
    /// once from `Unicode.Scalar.Properties`; other planes ask the properties directly.
    static func of(_ value: UInt32) -> ScalarClass {
        if value < 0x1_0000 {
            return ScalarClass(rawValue: basicPlane[Int(value)])
        }
        return computed(value)
    }

    private static let basicPlane: [UInt8] = (0..<0x1_0000).map { computed(UInt32($0)).rawValue }

    private static func computed(_ value: UInt32) -> ScalarClass {
        guard let scalar = Unicode.Scalar(value) else { return [.present] }
        let properties = scalar.properties
        var result: ScalarClass = [.present]
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert([.letter, .assigned])
        case .decimalNumber, .letterNumber, .otherNumber:
            result.insert([.number, .assigned])
        case .unassigned, .surrogate:
            break
        default:
            result.insert(.assigned)
        }
        // White_Space is the set llama.cpp's `unicode_set_whitespace` lists.
        if properties.isWhitespace {
            result.insert(.whitespace)
        }
        return result
    }
}
