import CLinux
import Foundation
import Glibc
import Synchronization

/// Serves files below a root folder (`Public/`), with media types, validators and caching.
///
/// Safety: the decoded path may not contain `..`, NUL or backslash segments, hidden
/// (dot-prefixed) names are never served, and the real path of the file, after symbolic links,
/// must stay inside the real root. A refused path is answered like a missing one (404), so
/// probing tells nothing. Validators are an ETag from size and modification time; HTML is
/// revalidated on each use (`no-cache`), other assets are cached for an hour.
///
/// Files are read on the event loop and kept in memory (up to ``maxCachedBytes`` in all) while
/// unchanged: the site is a few hundred kilobytes that live in the page cache anyway. Files
/// larger than ``maxFileBytes`` are not served, so a stray large file cannot stall a loop.
public final class StaticFiles: Sendable {
    public let root: String
    private let realRoot: String
    private let maxCachedBytes: Int
    public let maxFileBytes: Int
    /// Owned by the mutex: file contents by real path, valid while size and mtime match.
    private let cache = Mutex<[String: CachedFile]>([:])

    private struct CachedFile {
        let size: Int
        let modified: Int
        let bytes: [UInt8]
        let etag: String
    }

    public init?(root: String, maxCachedBytes: Int = 64 * 1024 * 1024, maxFileBytes: Int = 16 * 1024 * 1024) {
        guard let real = realpath(root, nil) else { return nil }
        defer { free(real) }
        self.root = root
        self.realRoot = String(cString: real)
        self.maxCachedBytes = maxCachedBytes
        self.maxFileBytes = maxFileBytes
    }

    /// The response for a GET or HEAD of `request.path`, or nil when no file is there.
    public func response(for request: HTTPRequest) -> HTTPResponse? {
        guard let relative = Self.safeRelativePath(request.path) else { return nil }
        guard var file = self.resolve(relative) else { return nil }
        if file.isDirectory {
            guard let index = self.resolve(relative.isEmpty ? "index.html" : relative + "/index.html"),
                !index.isDirectory
            else { return nil }
            file = index
        }
        guard file.size <= self.maxFileBytes, let cached = self.load(file) else { return nil }

        var headers: HTTPHeaders = [
            "ETag": cached.etag,
            "Cache-Control": file.path.hasSuffix(".html") ? "no-cache" : "public, max-age=3600",
        ]
        if let inm = request.headers["If-None-Match"], Self.matches(inm, cached.etag) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        headers.set("Content-Type", MediaTypes.type(forPath: file.path))
        return HTTPResponse(status: .ok, headers: headers, body: .bytes(cached.bytes))
    }

    /// The decoded path below the root without its leading slash, or nil when it is unsafe.
    static func safeRelativePath(_ path: Substring) -> String? {
        guard let decoded = PercentDecoding.decode(path), decoded.hasPrefix("/") else { return nil }
        if decoded.contains("\0") || decoded.contains("\\") { return nil }
        var parts: [Substring] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if segment.hasPrefix(".") { return nil }
            parts.append(segment)
        }
        return parts.joined(separator: "/")
    }

    private struct Resolved {
        let path: String
        let isDirectory: Bool
        let size: Int
        let modified: Int
    }

    private func resolve(_ relative: String) -> Resolved? {
        let candidate = relative.isEmpty ? self.realRoot : self.realRoot + "/" + relative
        guard let real = realpath(candidate, nil) else { return nil }
        defer { free(real) }
        let path = String(cString: real)
        guard path == self.realRoot || path.hasPrefix(self.realRoot + "/") else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFDIR else { return nil }
        let modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        return Resolved(path: path, isDirectory: kind == S_IFDIR, size: Int(info.st_size), modified: modified)
    }

    private func load(_ file: Resolved) -> CachedFile? {
        if let hit = self.cache.withLock({ $0[file.path] }), hit.size == file.size, hit.modified == file.modified {
            return hit
        }
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        let etag = "\"\(String(file.size, radix: 16))-\(String(file.modified, radix: 16))\""
        let entry = CachedFile(size: file.size, modified: file.modified, bytes: Array(data), etag: etag)
        self.cache.withLock { cache in
            let used = cache.values.reduce(0) { $0 + $1.size }
            if used + entry.size <= self.maxCachedBytes { cache[file.path] = entry }
        }
        return entry
    }

    /// `If-None-Match` comparison (RFC 9110 §13.1.2): weak, over a list, `*` matches anything.
    private static func matches(_ header: String, _ etag: String) -> Bool {
        for candidate in header.split(separator: ",") {
            var tag = candidate.trimmingSpaces
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag == etag { return true }
        }
        return false
    }
}
