/// An ordered list of header fields with case-insensitive look-up (RFC 9110 §5.1).
///
/// Order and repetition are kept as received, because some fields (`Set-Cookie`) may not be
/// combined into one line.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)] = []

    /// Room for the fields a typical response ends with (its own plus the middleware's), so
    /// that adding them does not reallocate on the hot path.
    static let typicalCount = 10

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields.reserveCapacity(Swift.max(Self.typicalCount, elements.count))
        for (name, value) in elements { self.fields.append((name: name, value: value)) }
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        self.fields.makeIterator()
    }

    public var count: Int { self.fields.count }

    mutating func reserveTypicalCapacity() {
        if self.fields.capacity < Self.typicalCount { self.fields.reserveCapacity(Self.typicalCount) }
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        for field in self.fields where Self.namesMatch(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        self.fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func add(_ name: String, _ value: String) {
        self.fields.append((name: name, value: value))
    }

    /// Replaces every field called `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        self.remove(name)
        self.fields.append((name: name, value: value))
    }

    /// Adds the field only when no field of that name exists yet.
    public mutating func setIfAbsent(_ name: String, _ value: String) {
        if !self.contains(name) {
            self.fields.append((name: name, value: value))
        }
    }

    public mutating func remove(_ name: String) {
        self.fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Whether a comma-separated field (`Connection`, `Accept-Encoding`) holds `token`.
    public func hasToken(_ token: String, in name: String) -> Bool {
        for value in self.values(for: name) {
            for part in value.split(separator: ",") {
                if Self.namesMatch(part.trimmingSpaces, token) { return true }
            }
        }
        return false
    }

    /// ASCII case-insensitive comparison of field names (RFC 9110 §5.1).
    static func namesMatch<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        let matched = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in Self.bytesMatch(left, right) }
        }
        if let matched, let result = matched { return result }
        return Self.bytesMatch(Array(a.utf8), Array(b.utf8))
    }

    private static func bytesMatch<C: Collection<UInt8>>(_ left: C, _ right: C) -> Bool where C.Index == Int {
        guard left.count == right.count else { return false }
        var index = left.startIndex
        var other = right.startIndex
        while index < left.endIndex {
            if Self.lowercased(left[index]) != Self.lowercased(right[other]) { return false }
            index += 1
            other += 1
        }
        return true
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (65...90).contains(byte) ? byte | 0x20 : byte
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional white space).
    var trimmingSpaces: Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
