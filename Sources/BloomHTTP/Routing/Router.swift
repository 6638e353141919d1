import CLinux
import Glibc

/// Maps a method and path to a handler.
///
/// Patterns are literal segments and `{name}` parameters (`/api/models/{name}`); a literal
/// segment beats a parameter at the same position, so `/api/models/tasks/{task}` and
/// `/api/models/{name}` can live side by side. `HEAD` is served by the `GET` route.
public struct Router: Sendable {
    public private(set) var routes: [Route] = []
    /// Routes without parameters, by path: the common case, found by one hash look-up. Each
    /// path holds its few (method, route index) pairs in a list.
    private var literal: [LiteralPath: [(method: HTTPMethod, index: Int)]] = [:]
    /// Routes with parameters, tried in order of specificity.
    private var patterned: [Int] = []

    public init() {}

    /// Adds a route; registering the same method and pattern twice is a programming error.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: RouteHandler) {
        let route = Route(method: method, pattern: pattern, handler: handler)
        precondition(
            !self.routes.contains { $0.method == method && $0.pattern == pattern },
            "route \(method.rawValue) \(pattern) is registered twice"
        )
        self.routes.append(route)
        let index = self.routes.count - 1
        if route.hasParameters {
            self.patterned.append(index)
            self.patterned.sort { self.routes[$0].specificity > self.routes[$1].specificity }
        } else {
            self.literal[LiteralPath(pattern[...]), default: []].append((method, index))
        }
    }

    /// The route for `method` and `path`, with its decoded path parameters.
    public func match(method: HTTPMethod, path: Substring) -> RouteMatch {
        let lookup = method == .head ? HTTPMethod.get : method
        if let methods = self.literal[LiteralPath(path)] {
            if let entry = methods.first(where: { $0.method == lookup }) {
                return .found(self.routes[entry.index], [:])
            }
            return .wrongMethod(allowed: Self.allowed(methods.map(\.method)))
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var allowed: [HTTPMethod] = []
        for index in self.patterned {
            let route = self.routes[index]
            guard let parameters = route.bind(Array(segments)) else { continue }
            if route.method == lookup { return .found(route, parameters) }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .wrongMethod(allowed: Self.allowed(allowed))
    }

    /// The `Allow` list (RFC 9110 §10.2.1): what is registered, plus HEAD with GET, plus OPTIONS.
    private static func allowed(_ methods: [HTTPMethod]) -> [HTTPMethod] {
        var set = Set(methods)
        if set.contains(.get) { set.insert(.head) }
        set.insert(.options)
        return HTTPMethod.allCases.filter(set.contains)
    }
}

/// The outcome of routing one request.
public enum RouteMatch: Sendable {
    case found(Route, [String: String])
    /// The path exists for other methods.
    case wrongMethod(allowed: [HTTPMethod])
    case notFound
}

/// What runs for a route: on the event loop when it cannot block, in a task otherwise.
public enum RouteHandler: Sendable {
    /// Runs on the event loop; must not block (no file, database or network I/O).
    case sync(@Sendable (HTTPRequest, RequestContext) throws -> HTTPResponse)
    /// Runs in a task that is cancelled when the client leaves.
    case async(@Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse)
}

/// One entry of the route table.
public struct Route: Sendable {
    public let method: HTTPMethod
    public let pattern: String
    public let handler: RouteHandler
    private let segments: [Segment]

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    init(method: HTTPMethod, pattern: String, handler: RouteHandler) {
        precondition(pattern.hasPrefix("/"), "route pattern \"\(pattern)\" must start with /")
        self.method = method
        self.pattern = pattern
        self.handler = handler
        self.segments = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { part in
            if part.hasPrefix("{") && part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
    }

    var hasParameters: Bool {
        self.segments.contains { if case .parameter = $0 { true } else { false } }
    }

    /// Literal segments weigh more than parameters, earlier ones most.
    var specificity: Int {
        self.segments.enumerated().reduce(0) { total, item in
            if case .literal = item.element { return total + (1 << (20 - min(item.offset, 20))) }
            return total
        }
    }

    /// The parameters when `path` fits this pattern; nil otherwise or when a value does not decode.
    func bind(_ path: [Substring]) -> [String: String]? {
        guard path.count == self.segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(self.segments, path) {
            switch segment {
            case .literal(let text):
                guard part == text else { return nil }
            case .parameter(let name):
                guard !part.isEmpty, let value = PercentDecoding.decode(part) else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }
}

extension Router {
    public mutating func get(_ pattern: String, _ handler: RouteHandler) { self.add(.get, pattern, handler) }
    public mutating func post(_ pattern: String, _ handler: RouteHandler) { self.add(.post, pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: RouteHandler) { self.add(.put, pattern, handler) }
    public mutating func patch(_ pattern: String, _ handler: RouteHandler) { self.add(.patch, pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: RouteHandler) { self.add(.delete, pattern, handler) }
}

/// A literal route path as a dictionary key, hashed by its bytes (FNV-1a) so that a request's
/// path, a `Substring`, is looked up without building a `String` first.
private struct LiteralPath: Hashable, Sendable {
    let path: Substring
    let bytesHash: UInt64

    init(_ path: Substring) {
        self.path = path
        self.bytesHash =
            path.utf8.withContiguousStorageIfAvailable(Self.fnv1a)
            ?? Array(path.utf8).withUnsafeBufferPointer(Self.fnv1a)
    }

    static func == (lhs: LiteralPath, rhs: LiteralPath) -> Bool {
        guard lhs.bytesHash == rhs.bytesHash, lhs.path.utf8.count == rhs.path.utf8.count else { return false }
        let equal = lhs.path.utf8.withContiguousStorageIfAvailable { left in
            rhs.path.utf8.withContiguousStorageIfAvailable { right in
                left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
        return (equal ?? nil) ?? lhs.path.utf8.elementsEqual(rhs.path.utf8)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(self.bytesHash) }

    private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
